"""The METS of a record file: written with it, valid against the official METS schema, and tying
the PDF, each page's ALTO, the JSON record and the original scans together by their checksums."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from domain.model import RecordFile
from store.archive import read_record, rewrite_record, write_record
from store.fixity import check_folder, record_folders
from store.mets import METS_FILE
from tests.web_fixtures import WebArchive, make_pdf, record_file
from tests.xml_schemas import alto_errors, mets_errors

NS = {"mets": "http://www.loc.gov/METS/", "xlink": "http://www.w3.org/1999/xlink", "dc": "http://purl.org/dc/elements/1.1/"}
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def tesseract_alto(work: Path, text: str) -> Path:
    """A page image with `text`, read by Tesseract into ALTO, as the text layer's OCR run writes it."""
    image = Image.new("L", (1400, 260), 255)
    ImageDraw.Draw(image).text((60, 80), text, fill=0, font=ImageFont.truetype(str(FONT), 64))
    image.save(work / "page.png", dpi=(300, 300))
    subprocess.run(["tesseract", str(work / "page.png"), str(work / "page"), "-l", "eng", "alto"], check=True,
                   capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return work / "page.xml"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def archived_mutation(home: Path, work: Path) -> tuple[RecordFile, str]:
    """A two-page record file archived as the night writes it: page 1 OCRed (its ALTO), page 2 blank."""
    record = record_file("REV/TSL-05/1987/0042", "bijbehara", "mutation", 1987, "Mutation of khasra 245",
                         ["Mutation of khasra 245", ""])
    record.sources = [{"path": record.pages[0].source, "sha256": "ab" * 32, "size": 123456}]
    alto = tesseract_alto(work, "Mutation of khasra 245")
    archive_dir = write_record(home, record, make_pdf(work / "file.pdf", ["Mutation of khasra 245", ""]), alto=[alto, None])
    return record, archive_dir


def test_mets_of_an_archived_record_validates_and_ties_its_files_together(tmp_path: Path) -> None:
    # GIVEN a record file archived with its PDF and the ALTO of its one OCRed page
    home = tmp_path / "home"
    record, archive_dir = archived_mutation(home, tmp_path)
    folder = home / archive_dir
    # THEN its METS is valid against the official schema
    assert mets_errors(folder / METS_FILE) == []
    mets = etree.parse(str(folder / METS_FILE))
    assert mets.getroot().get("OBJID") == "REV/TSL-05/1987/0042"
    assert mets.findtext(".//dc:identifier", namespaces=NS) == "REV/TSL-05/1987/0042"
    assert mets.findtext(".//dc:title", namespaces=NS) == "Mutation of khasra 245"
    assert {e.text for e in mets.findall(".//dc:coverage", NS)} == {"district: anantnag", "tehsil: bijbehara"}
    # AND every archived file it names carries that file's SHA-256
    named = {f.find("mets:FLocat", NS).get(f"{{{NS['xlink']}}}href"): f.get("CHECKSUM")
             for group in mets.findall(".//mets:fileGrp", NS) if group.get("USE") != "SOURCE"
             for f in group.findall("mets:file", NS)}
    assert set(named) == {f"{record.file_id}.pdf", "alto/page-0001.xml", "record.json"}
    assert all(named[name] == sha256(folder / name) for name in named)
    # AND the original scan is named by the checksum taken at intake
    source = mets.find(".//mets:fileGrp[@USE='SOURCE']/mets:file", NS)
    assert source.get("CHECKSUM") == "ab" * 32
    # AND page 1 points at its ALTO and its scan, the blank page 2 at its scan alone
    pages = mets.findall(".//mets:div[@TYPE='page']", NS)
    assert [[p.get("FILEID") for p in page.findall("mets:fptr", NS)] for page in pages] == [
        ["alto-0001", source.get("ID")], [source.get("ID")]]
    assert check_folder(home, archive_dir).intact


def test_a_rewritten_record_gets_a_new_mets_and_checksums(tmp_path: Path) -> None:
    # GIVEN an archived record file
    home = tmp_path / "home"
    record, archive_dir = archived_mutation(home, tmp_path)
    # WHEN its title is corrected (as a review or a flag change rewrites it)
    record.title = "Mutation of khasra 245, village Arwani"
    rewrite_record(home, archive_dir, record)
    # THEN METS, record and checksums all say so, and the folder is intact
    mets = etree.parse(str(home / archive_dir / METS_FILE))
    assert mets.findtext(".//dc:title", namespaces=NS) == "Mutation of khasra 245, village Arwani"
    assert read_record(home, archive_dir).title == record.title
    assert check_folder(home, archive_dir).intact
    assert mets_errors(home / archive_dir / METS_FILE) == []


def test_alto_files_must_match_the_pages(tmp_path: Path) -> None:
    record = record_file("REV/TSL-05/1987/0043", "bijbehara", None, 1987, "", ["one", "two"])
    with pytest.raises(ValueError, match="2 pages"):
        write_record(tmp_path / "home", record, make_pdf(tmp_path / "f.pdf", ["one", "two"]), alto=[None])


def test_every_mets_and_alto_of_a_real_batch_validates(web_archive: WebArchive) -> None:
    # GIVEN the archive of a real night (English, Urdu and Hindi pages, born-digital PDFs)
    folders = record_folders(web_archive.home)
    assert len(folders) >= 7
    # THEN every record file has a METS that validates and names its file number
    for folder in folders:
        mets = web_archive.home / folder / METS_FILE
        assert mets_errors(mets) == [], folder
        number = read_record(web_archive.home, folder).file_number
        assert etree.parse(str(mets)).getroot().get("OBJID") == number
    # AND every page's ALTO, Urdu and no-text pages included, is valid ALTO
    altos = sorted(web_archive.home.glob("**/alto/*.xml"))
    assert len(altos) >= 10
    for alto in altos:
        assert alto_errors(alto) == [], alto
