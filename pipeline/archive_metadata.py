"""What an archived PDF says about itself: the record file's metadata in XMP and the document info.

Only standard XMP properties are used (Dublin Core, XMP basic, Adobe PDF), so PDF/A needs no
extension schema and any archive tool reads them:

    dc:identifier   the file number             dc:title      "<file number> — <record title>"
    dc:coverage     "<tehsil>, <district>"      dc:type       the record type
    dc:date         the record's year           dc:language   the languages read (RFC 3066)
    dc:source       batch and source files      pdf:Keywords  all of the above as "name: value; ..."
    xmp:CreateDate  when it was scanned         xmp:ModifyDate when daftar processed it
    pdf:Producer    daftar's version

A born-digital PDF keeps its own /Creator, /Author and /Subject (and /CreationDate, its own date).
Its own /Title is kept in dc:title, beside the record's title, as the language alternative
`x-original` (RFC 3066 private use): PDF/A requires /Title to equal dc:title's default, which is
the record's, and an alternative survives a later stamp (pikepdf keeps other languages). Its own
/Keywords are kept after ours in pdf:Keywords, as "original keywords: ...".
"""

from __future__ import annotations

import datetime as dt
from importlib import metadata

import pikepdf
from lxml import etree

from domain.model import RecordFile

__all__ = ["describe", "original_title", "producer", "write_metadata"]

# Tesseract's language codes as XMP wants them (RFC 3066, from ISO 639-1).
LANGUAGE_TAGS = {"eng": "en", "urd": "ur", "hin": "hi", "ara": "ar", "fas": "fa", "san": "sa", "pan": "pa"}
ORIGINAL_TITLE_LANG = "x-original"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/"}


def producer() -> str:
    return f"daftar {metadata.version('daftar')}"


def describe(record: RecordFile) -> dict[str, str]:
    """The record's metadata as named values, in the order the keywords list them."""
    values = {
        "file number": record.file_number,
        "district": record.district,
        "tehsil": record.tehsil,
        "record type": record.record_type or "",
        "year": str(record.year) if record.year else "",
        "languages": ", ".join(_languages(record)),
        "batch": record.batch,
    }
    return {name: value for name, value in values.items() if value}


def write_metadata(pdf: pikepdf.Pdf, record: RecordFile, scanned_at: dt.datetime | None, original: dict[str, str]) -> None:
    """Write the record's metadata into `pdf`'s XMP and document info (kept in step by pikepdf).
    `original` is a born-digital PDF's own document info ({} for a scan)."""
    processed = dt.datetime.fromisoformat(record.processed_at) if record.processed_at else None
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:identifier"] = record.file_number
        xmp["dc:title"] = f"{record.file_number} — {record.title}" if record.title else record.file_number
        xmp["dc:coverage"] = f"{record.tehsil}, {record.district}"
        if record.record_type:
            xmp["dc:type"] = [record.record_type]
        if record.year:
            xmp["dc:date"] = [str(record.year)]
        if languages := _languages(record):
            xmp["dc:language"] = languages
        xmp["dc:source"] = "; ".join([record.batch, *(source["path"] for source in record.sources)])
        keywords = [f"{name}: {value}" for name, value in describe(record).items()]
        if original.get("/Keywords"):
            keywords.append(f"original keywords: {original['/Keywords']}")
        xmp["pdf:Keywords"] = "; ".join(keywords)
        xmp["pdf:Producer"] = producer() + (f" (from {original['/Producer']})" if original.get("/Producer") else "")
        for key, value in original.items():  # the born-digital PDF's own words about itself
            if key in ("/Creator", "/Author", "/Subject") and value:
                xmp[{"/Creator": "xmp:CreatorTool", "/Author": "dc:creator", "/Subject": "dc:description"}[key]] = (
                    [value] if key == "/Author" else value)
        created = _pdf_date(original.get("/CreationDate")) or scanned_at
        if created:
            xmp["xmp:CreateDate"] = created.isoformat()
        if processed:
            xmp["xmp:ModifyDate"] = processed.isoformat()
        if not original.get("/Creator"):
            xmp["xmp:CreatorTool"] = producer()
    if original.get("/Title"):
        _keep_original_title(pdf, original["/Title"])


def original_title(pdf: pikepdf.Pdf) -> str | None:
    """A born-digital PDF's own title, as `write_metadata` kept it (None when it had none)."""
    if "/Metadata" not in pdf.Root:
        return None
    found = etree.fromstring(pdf.Root.Metadata.read_bytes()).xpath(
        f"//dc:title/rdf:Alt/rdf:li[@xml:lang='{ORIGINAL_TITLE_LANG}']", namespaces=NS)
    return found[0].text if found else None


def _keep_original_title(pdf: pikepdf.Pdf, title: str) -> None:
    """Add (or set) dc:title's `x-original` alternative in the XMP that `write_metadata` wrote."""
    root = etree.fromstring(pdf.Root.Metadata.read_bytes())
    alt, = root.xpath("//dc:title/rdf:Alt", namespaces=NS)
    items = alt.xpath(f"rdf:li[@xml:lang='{ORIGINAL_TITLE_LANG}']", namespaces=NS)
    item = items[0] if items else etree.SubElement(alt, f"{{{NS['rdf']}}}li", {XML_LANG: ORIGINAL_TITLE_LANG})
    item.text = title
    pdf.Root.Metadata.write(etree.tostring(root.getroottree(), encoding="utf-8"))  # with its xpacket wrapper


def _languages(record: RecordFile) -> list[str]:
    return [LANGUAGE_TAGS.get(code, code) for code in record.languages if code != "born-digital"]


def _pdf_date(value: str | None) -> dt.datetime | None:
    """A PDF date (D:YYYYMMDDHHmmSS+HH'mm'), or None when absent or unreadable."""
    if not value:
        return None
    try:
        return pikepdf.models.metadata.decode_pdf_date(value)
    except (ValueError, AttributeError):
        return None
