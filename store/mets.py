"""The METS file of a record file: what archives that take legacy records over (Kitodo, Goobi,
Archivematica) read first. It ties together, with their SHA-256 checksums, the archival PDF, the
ALTO full text of each page, the JSON record and the original scans (by the checksums taken at
intake; the scans stay in the inbox), and carries the file number, title, type, year, languages,
district and tehsil as Dublin Core. The physical structure map has one division per page, in the
PDF's order, pointing at its ALTO and at the scan it came from.

Written with the record (`store/archive.py`), and again whenever the folder changes, so it always
describes the folder as it is. Validated against the official METS schema in tests
(tests/xml_schemas.py)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from domain.model import RecordFile
from store.fixity import sha256_file

METS_FILE = "mets.xml"
ALTO_DIR = "alto"

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
DC = "http://purl.org/dc/elements/1.1/"
NSMAP = {"mets": METS, "xlink": XLINK, "dc": DC}


def alto_name(page_number: int) -> str:
    """Where a page's ALTO lies in the record folder."""
    return f"{ALTO_DIR}/page-{page_number:04d}.xml"


def mets_document(folder: Path, record: RecordFile, pdf_name: str, record_name: str) -> bytes:
    """The METS of the record file in `folder`, describing the files there now."""
    root = etree.Element(_m("mets"), nsmap=NSMAP, OBJID=record.file_number, LABEL=_label(record),
                         TYPE=record.record_type or "record-file")
    header = etree.SubElement(root, _m("metsHdr"))
    if record.processed_at:
        header.set("CREATEDATE", record.processed_at.split(".")[0])  # an xsd:dateTime, without the fraction
    agent = etree.SubElement(header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(agent, _m("name")).text = "daftar"
    etree.SubElement(header, _m("altRecordID"), TYPE="file-id").text = record.file_id
    _descriptive(root, record)
    files = etree.SubElement(root, _m("fileSec"))
    _group(files, "ARCHIVE", [("pdf", folder / pdf_name, pdf_name, "application/pdf")])
    altos = {page.number: alto_name(page.number) for page in record.pages if (folder / alto_name(page.number)).is_file()}
    _group(files, "FULLTEXT", [(f"alto-{n:04d}", folder / name, name, "application/xml") for n, name in altos.items()])
    _group(files, "RECORD", [("record", folder / record_name, record_name, "application/json")])
    sources = {source["path"]: f"source-{i}" for i, source in enumerate(record.sources, start=1)}
    _source_group(files, record, sources)
    _structure(root, record, altos, sources)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _descriptive(root: etree._Element, record: RecordFile) -> None:
    """Dublin Core, the metadata every archive system reads: the file number is the identifier."""
    wrap = etree.SubElement(etree.SubElement(root, _m("dmdSec"), ID="dmd-record"), _m("mdWrap"), MDTYPE="DC")
    data = etree.SubElement(wrap, _m("xmlData"))
    values = [("identifier", record.file_number), ("title", record.title), ("type", record.record_type),
              ("date", str(record.year) if record.year else None), *[("language", code) for code in record.languages],
              ("coverage", f"district: {record.district}"), ("coverage", f"tehsil: {record.tehsil}"),
              ("source", f"batch {record.batch}, {record.stack}")]
    for name, value in values:
        if value:
            etree.SubElement(data, f"{{{DC}}}{name}").text = value


def _group(files: etree._Element, use: str, members: list[tuple[str, Path, str, str]]) -> None:
    if not members:
        return
    group = etree.SubElement(files, _m("fileGrp"), USE=use)
    for file_id, path, href, mimetype in members:
        entry = etree.SubElement(group, _m("file"), ID=file_id, MIMETYPE=mimetype, SIZE=str(path.stat().st_size),
                                 CHECKSUM=sha256_file(path), CHECKSUMTYPE="SHA-256")
        etree.SubElement(entry, _m("FLocat"), {f"{{{XLINK}}}href": href}, LOCTYPE="URL")


def _source_group(files: etree._Element, record: RecordFile, ids: dict[str, str]) -> None:
    """The original scans, kept in the inbox, never copied here: named by their place in the batch
    and identified by the SHA-256 taken when they were read."""
    if not record.sources:
        return
    group = etree.SubElement(files, _m("fileGrp"), USE="SOURCE")
    for source in record.sources:
        entry = etree.SubElement(group, _m("file"), ID=ids[source["path"]], SIZE=str(source["size"]),
                                 CHECKSUM=source["sha256"], CHECKSUMTYPE="SHA-256")
        etree.SubElement(entry, _m("FLocat"), {f"{{{XLINK}}}href": f"{record.batch}/{source['path']}"},
                         LOCTYPE="OTHER", OTHERLOCTYPE="inbox")


def _structure(root: etree._Element, record: RecordFile, altos: dict[int, str], sources: dict[str, str]) -> None:
    physical = etree.SubElement(root, _m("structMap"), TYPE="PHYSICAL")
    whole = etree.SubElement(physical, _m("div"), TYPE="record-file", LABEL=_label(record), DMDID="dmd-record")
    etree.SubElement(whole, _m("fptr"), FILEID="pdf")
    etree.SubElement(whole, _m("fptr"), FILEID="record")
    for page in record.pages:
        div = etree.SubElement(whole, _m("div"), TYPE="page", ORDER=str(page.number), ORDERLABEL=str(page.number),
                               LABEL=f"page {page.number} of the PDF; page {page.source_page} of {page.source}")
        if page.number in altos:
            etree.SubElement(div, _m("fptr"), FILEID=f"alto-{page.number:04d}")
        if page.source in sources:
            etree.SubElement(div, _m("fptr"), FILEID=sources[page.source])


def _label(record: RecordFile) -> str:
    return f"{record.file_number}: {record.title}" if record.title else record.file_number


def _m(name: str) -> str:
    return f"{{{METS}}}{name}"
