"""The archive as an archivist tries it: every archived PDF is the PDF/A-2 it declares (2u for
scans, whose only text is daftar's text layer; 2b otherwise) by veraPDF (the validator from Maven
Central, fetched by scripts/verapdf.sh), or it is flagged `not-pdfa`; pages are kept as scanned,
a PDF source's pages as its own page objects; the PDF says which record file it is."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from night.run import run_inbox
from pipeline import archival_pdf, ghostscript
from tests.conftest import ROOT, SAMPLES, copy_stack

NIGHT = dt.datetime(2026, 11, 20, 23, 30)
KOKERNAG = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-20"
BIJBEHARA = SAMPLES / "inbox" / "anantnag" / "bijbehara" / "2026-11-21"
BORN_DIGITAL = KOKERNAG / "jamabandi_extract_hangalgund.pdf"
MIXED = Path("scans/ocrmypdf/multipage.pdf")


def verapdf(pdfs: list[Path]) -> dict[str, str]:
    """veraPDF's verdict on each file against the flavour it declares, in one run of it:
    "PASS 2u", "FAIL 2b", ..."""
    result = subprocess.run(["bash", str(ROOT / "scripts" / "verapdf.sh"), "--flavour", "0", "--format", "text",
                             *map(str, pdfs)], capture_output=True, text=True, timeout=600)
    verdicts = {}
    for line in result.stdout.splitlines():
        verdict, _, rest = line.partition(" ")
        if verdict in ("PASS", "FAIL"):
            path, _, flavour = rest.rpartition(" ")
            verdicts[path] = f"{verdict} {flavour}"
    assert len(verdicts) == len(pdfs), f"veraPDF did not judge every file: {result.stdout[-2000:]} {result.stderr[-2000:]}"
    return verdicts


def archived(home: Path) -> list[tuple[dict, Path]]:
    """Every archived record file: its record.json and its PDF."""
    return [(record, home / record["pdf"]) for record in
            (json.loads(path.read_text()) for path in sorted((home / "archive").rglob("record.json")))]


def _image_dicts(pdf: Path) -> list[dict]:
    with pikepdf.open(pdf) as document:
        return [{"filters": pikepdf.PdfImage(image).filters, "bits": int(image.get("/BitsPerComponent", 0)),
                 "raw": image.read_raw_bytes()} for page in document.pages for image in page.get_images().values()]


@pytest.fixture(scope="module")
def night_archive(tmp_path_factory, corpus) -> tuple[Path, object]:
    """GIVEN one night of a tehsil with every kind of input: a born-digital PDF, a bilevel Group 4
    TIFF, an Urdu colour JPEG, a scanner's PDF of JPEG pages, and a mixed PDF (a colour Flate
    page and a page OCRed before, with its own font): 9 pages, 7 of them OCRed."""
    from domain.config import Settings

    tmp = tmp_path_factory.mktemp("pdfa")
    inbox, home = tmp / "inbox", tmp / "home"
    batch = inbox / "anantnag" / "kokernag" / "2026-11-20"
    copy_stack(BORN_DIGITAL, batch)
    copy_stack(corpus / "scans" / "leptonica" / "harmoniam-11.tif", batch)
    copy_stack(corpus / "text" / "urdu" / "tessdata_contrib__1.jpg", batch / "misl-urdu")
    copy_stack(BIJBEHARA / "scan_20261121_0001.pdf", batch)
    with pikepdf.open(corpus / MIXED) as pdf, pikepdf.new() as mixed:
        mixed.pages.extend(pdf.pages[2:4])
        mixed.save(batch / "mixed.pdf")
    loaded = Settings.load()
    settings = loaded.model_copy(update={"intake": loaded.intake.model_copy(update={"settle_seconds": 0})})
    report = run_inbox(inbox, home, settings, NIGHT)
    return home, report


def test_every_kind_of_archived_pdf_passes_verapdf(night_archive):
    # WHEN the night has run
    home, report = night_archive
    records = archived(home)
    # THEN nothing was quarantined, no file is flagged not-pdfa, and veraPDF passes every PDF as the
    # flavour it declares: 2u where daftar's text layer is the only text, 2b for the others
    assert not report.quarantined
    assert len(records) >= 5
    assert not [r["file_number"] for r, _ in records if any(f.startswith("not-pdfa") for f in r["flags"])]
    verdicts = verapdf([pdf for _, pdf in records])
    own_font = ("jamabandi_extract_hangalgund.pdf", "mixed.pdf")
    expected = {str(pdf): "PASS 2b" if r["sources"][0]["path"] in own_font else "PASS 2u" for r, pdf in records}
    assert verdicts == expected


def test_bilevel_pages_stay_bilevel_and_lossless(night_archive, corpus):
    home, _ = night_archive
    (record, pdf), = [(r, p) for r, p in archived(home) if r["sources"][0]["path"].endswith(".tif")]
    images = _image_dicts(pdf)
    assert images and all(image["filters"] in (["/CCITTFaxDecode"], ["/JBIG2Decode"]) and image["bits"] == 1 for image in images)
    page = record["pages"][0]
    if not page["orientation"] and not page["skew_degrees"]:  # a turned page is stored again, as G4
        from PIL import Image

        source = corpus / "scans" / "leptonica" / "harmoniam-11.tif"
        with Image.open(source) as tiff:  # one strip of Group 4 data: the TIFF's own, embedded as it is
            start, length = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
        assert images[0]["raw"] == source.read_bytes()[start:start + length]


def test_jpeg_pages_are_embedded_as_scanned(night_archive, corpus):
    home, _ = night_archive
    (record, pdf), = [(r, p) for r, p in archived(home) if r["sources"][0]["path"].endswith(".jpg")]
    page = record["pages"][0]
    image, = _image_dicts(pdf)
    assert image["filters"] == ["/DCTDecode"]
    if not page["orientation"] and not page["skew_degrees"]:  # a turned page is stored again, as a JPEG
        assert image["raw"] == (corpus / "text" / "urdu" / "tessdata_contrib__1.jpg").read_bytes()


def test_the_pdf_says_which_record_file_it_is(night_archive):
    home, _ = night_archive
    for record, pdf in archived(home):
        with pikepdf.open(pdf) as document:
            xmp = document.open_metadata()
            assert xmp["dc:identifier"] == record["file_number"]
            assert xmp["dc:title"].startswith(record["file_number"])
            assert xmp["dc:coverage"] == f"{record['tehsil']}, {record['district']}"
            assert xmp["pdf:Producer"].startswith("daftar ")
            assert "xmp:CreateDate" in xmp and "xmp:ModifyDate" in xmp
            assert str(document.docinfo["/Title"]) == xmp["dc:title"]
            if record["pages"][0]["born_digital"]:  # the original's own words about itself are kept
                assert str(document.docinfo["/Creator"]) == "Land Records Cell, Tehsil Kokernag"


def test_a_pdf_that_cannot_be_made_pdfa_is_archived_and_flagged(tmp_path, settings, monkeypatch):
    # GIVEN a born-digital PDF with a font it does not embed, and no Ghostscript to embed it
    monkeypatch.setattr(ghostscript, "PROGRAM", str(tmp_path / "no-ghostscript"))
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    copy_stack(BORN_DIGITAL, inbox / "anantnag" / "kokernag" / "2026-11-20")
    # WHEN the night runs
    report = run_inbox(inbox, home, settings, NIGHT)
    # THEN it is archived as it is, flagged not-pdfa in the record and the report, and claims no PDF/A
    (record, pdf), = archived(home)
    assert [f for f in record["flags"] if f.startswith("not-pdfa")], record["flags"]
    assert any("not-pdfa" in line.detail for line in report.flagged)
    with pikepdf.open(pdf) as document:
        assert "pdfaid:part" not in document.open_metadata()
        assert str(document.docinfo["/Creator"]) == "Land Records Cell, Tehsil Kokernag"


def test_an_owner_password_pdf_is_archived_and_a_user_password_pdf_quarantined(tmp_path, settings):
    # GIVEN a born-digital PDF with only an owner password (it opens without one), and one with a user password
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    batch = inbox / "anantnag" / "kokernag" / "2026-11-20"
    batch.mkdir(parents=True)
    with pikepdf.open(BORN_DIGITAL) as pdf:
        pdf.save(batch / "restricted.pdf", encryption=pikepdf.Encryption(owner="office", user="", allow=pikepdf.Permissions(extract=False)))
        pdf.save(batch / "locked.pdf", encryption=pikepdf.Encryption(owner="office", user="secret"))
    copy_stack(batch / "restricted.pdf", tmp_path / "kept")  # the original, to compare
    # WHEN the night runs
    report = run_inbox(inbox, home, settings, NIGHT)
    # THEN the owner-password PDF is archived with its text as PDF/A, the other quarantined with its reason
    (record, pdf), = archived(home)
    assert record["sources"][0]["path"] == "restricted.pdf" and "Hangalgund" in record["pages"][0]["text"]
    assert [line.detail for line in report.quarantined] == ["encrypted PDF (password required)"]
    assert verapdf([pdf]) == {str(pdf): "PASS 2b"}
    assert (batch / "restricted.pdf").read_bytes() == (tmp_path / "kept" / "restricted.pdf").read_bytes()


def test_stamping_a_corrected_record_keeps_the_pdf_pdfa(tmp_path, night_archive):
    # GIVEN an archived PDF/A and its record, corrected by a person
    home, _ = night_archive
    record_json, pdf = archived(home)[0]
    copy = shutil.copy2(pdf, tmp_path / "copy.pdf")
    from domain.model import RecordFile

    record = RecordFile.from_json({**record_json, "file_number": "REV/TSL-07/2016/0099", "title": "Corrected title"})
    # WHEN its metadata is stamped again
    failure = archival_pdf.stamp_record(Path(copy), record)
    # THEN it is still PDF/A and says the corrected number
    assert failure is None
    with pikepdf.open(copy) as document:
        assert document.open_metadata()["dc:identifier"] == "REV/TSL-07/2016/0099"
        assert str(document.docinfo["/Title"]) == "REV/TSL-07/2016/0099 — Corrected title"


def _raw_images(pdf: Path) -> list[bytes]:
    """The raw (still compressed) bytes of every image on every page, in forms too."""
    with pikepdf.open(pdf) as document:
        return [image.read_raw_bytes() for page in document.pages for image in page.get_images(recursive=True).values()]


def test_a_mixed_pdf_keeps_its_own_pages_colours_and_text_layer(night_archive, corpus):
    # GIVEN the night's mixed PDF: a colour Flate page, and a page OCRed before with its own font
    home, _ = night_archive
    (record, pdf), = [(r, p) for r, p in archived(home) if r["sources"][0]["path"] == "mixed.pdf"]
    # THEN its images are the source's own, still colour and still compressed as they came (no grey
    # rendering), the page OCRed before keeps its font, and daftar's text layer lies over both
    with pikepdf.open(corpus / MIXED) as source:
        originals = [image.read_raw_bytes() for page in source.pages[2:4] for image in page.get_images().values()]
        colour_spaces = {str(image.get("/ColorSpace")) for page in source.pages[2:4] for image in page.get_images().values()}
    assert colour_spaces == {"/DeviceRGB"}
    assert _raw_images(pdf) == originals
    with pikepdf.open(pdf) as document:
        fonts = {str(font.get("/BaseFont")) for font in document.objects
                 if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == pikepdf.Name.Font}
    assert any(name.endswith("GlyphLessFont") for name in fonts) and archival_pdf.TEXT_LAYER_FONT in fonts
    assert archival_pdf.pages_without_text_layer(pdf, [1, 2]) == []


def test_a_born_digital_pdf_keeps_its_own_title_and_keywords_through_a_correction(night_archive, tmp_path):
    # GIVEN the born-digital PDF, whose own /Title is "Computerised Jamabandi extract, Hangalgund"
    home, _ = night_archive
    (record_json, pdf), = [(r, p) for r, p in archived(home) if r["pages"][0]["born_digital"]]
    from domain.model import RecordFile
    from pipeline.archive_metadata import original_title

    own = "Computerised Jamabandi extract, Hangalgund"
    # THEN its title is the record's, and its own title is kept beside it in dc:title
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo["/Title"]).startswith(record_json["file_number"] + " — ")
        assert original_title(document) == own
    # WHEN a person corrects the record and its metadata is stamped again
    copy = Path(shutil.copy2(pdf, tmp_path / "copy.pdf"))
    failure = archival_pdf.stamp_record(copy, RecordFile.from_json({**record_json, "title": "Jamabandi, Hangalgund"}))
    # THEN it is still PDF/A, with the corrected title and still its own
    assert failure is None
    with pikepdf.open(copy) as document:
        assert str(document.docinfo["/Title"]) == f"{record_json['file_number']} — Jamabandi, Hangalgund"
        assert original_title(document) == own
        assert str(document.docinfo["/Creator"]) == "Land Records Cell, Tehsil Kokernag"
    assert verapdf([copy]) == {str(copy): "PASS 2b"}


def test_a_lossless_png_page_keeps_its_own_compressed_data(tmp_path, corpus, settings):
    # GIVEN a 1-bit palette PNG scan that cleaning leaves as it is
    from night.page_images import write_archived_page
    from pipeline import preprocess
    from pipeline.pages import iter_pages

    source = corpus / "scans" / "ocrmypdf" / "linn.png"
    page, = iter_pages(source, settings.ocr.dpi, settings.intake.max_page_pixels)
    cleaned = preprocess.clean_page(page.image, page.dpi, settings.cleaning)
    assert not cleaned.orientation and not cleaned.skew_degrees
    # WHEN it is archived
    image, dpi = write_archived_page(tmp_path / "page", page.scan, page.image, page.dpi, cleaned)
    assembler = archival_pdf.PdfAssembler(tmp_path, "linn", 32)
    assembler.add(image, dpi, None)
    pdf = tmp_path / "linn.pdf"
    assembler.finish(pdf, _bench_record(), NIGHT)
    # THEN the PDF holds the PNG's own zlib stream, 1 bit a pixel, and the source is untouched
    with pikepdf.open(pdf) as document:
        embedded, = document.pages[0].get_images().values()
        assert embedded.read_raw_bytes() == _png_idat(source.read_bytes())
        assert int(embedded.BitsPerComponent) == 1 and embedded.Filter == pikepdf.Name.FlateDecode
    assert source.exists()


def test_a_file_of_many_chunks_is_joined_in_order_as_pdfa_2u(tmp_path):
    # GIVEN 5 pages, each with its text layer, assembled in chunks of 2
    pages = _noise_pages(tmp_path, 5, (400, 560))
    assembler = archival_pdf.PdfAssembler(tmp_path, "long", 2)
    for number, page in enumerate(pages):
        assembler.add(page, 100.0, _text_layer(tmp_path / f"layer-{number}.pdf", f"page{number}", (400, 560), 100))
    # WHEN the file is finished
    pdf = tmp_path / "long.pdf"
    assert assembler.finish(pdf, _bench_record(), NIGHT) is None
    # THEN its pages are the scans as they were, in order, each with its own text, as PDF/A-2u,
    # and nothing of the chunks is left
    assert _raw_images(pdf) == [page.read_bytes() for page in pages]
    assert archival_pdf.pages_without_text_layer(pdf, [1, 2, 3, 4, 5]) == []
    assert [line.strip() for line in _pdftotext(pdf).split("\f")[:5]] == [f"page{n}" for n in range(5)]
    assert verapdf([pdf]) == {str(pdf): "PASS 2u"}
    assert sorted(path.name for path in tmp_path.glob("*.pdf") if not path.name.startswith("layer-")) == ["long.pdf"]


def test_finishing_a_long_file_does_not_hold_its_pages_in_memory():
    # GIVEN a file of 64 pages, each a 0.9 MB JPEG, in chunks of 8: a 58 MB PDF
    # WHEN it is finished, in a process of its own
    growth, size = json.loads(subprocess.run(
        [sys.executable, "-c", "from tests.test_pdfa import _finish_memory; _finish_memory(64)"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    # THEN finishing raised the process's peak memory by far less than the PDF's size
    # (joining the chunks in pikepdf raised it by 1.5 times the size)
    assert growth < size / 4, (growth, size)


def _finish_memory(pages: int) -> None:
    """Print how much finishing a file of `pages` noise pages raises the peak RSS, and the PDF's size (bytes)."""
    import resource
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        size = (1000, 1400)
        images = _noise_pages(work, 8, size)
        assembler = archival_pdf.PdfAssembler(work, "long", 8)
        for number in range(pages):
            layer = _text_layer(work / f"layer-{number}.pdf", f"page{number}", size, 100)
            assembler.add(images[number % 8], 100.0, layer)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assembler.finish(work / "long.pdf", _bench_record(), NIGHT)
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
        print(json.dumps([growth, (work / "long.pdf").stat().st_size]))


def _noise_pages(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    """Grey JPEG pages of noise: each as large as a scan of its size, and each different."""
    from PIL import Image

    pages = []
    for number in range(count):
        path = folder / f"scan-{number}.jpg"
        Image.effect_noise(size, 40 + number).save(path, quality=90)
        pages.append(path)
    return pages


def _text_layer(out: Path, word: str, size: tuple[int, int], dpi: int) -> Path:
    from pipeline.text_layer import Line, Word, write_text_layer

    return write_text_layer([Line(20, 20, 200, 30, (Word(word, 20, 200),))], size, dpi, out)


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_a_turned_pdf_page_lies_as_its_ocr_copy(tmp_path, corpus):
    # GIVEN a PDF page whose rendering cleaning turned a quarter and deskewed 3 degrees onto a larger canvas
    import cv2
    import numpy as np

    from pipeline.geometry import turn_back
    from pipeline.kept_pages import keep_pdf_page
    from pipeline.pages import render_pdf_page

    source, dpi = corpus / MIXED, 100
    rendered = render_pdf_page(source, 5, dpi)
    canvas = (rendered.shape[0] + 60, rendered.shape[1] + 40)
    ocr_copy = turn_back(rendered, 270, 3.0, canvas, 255)
    # WHEN the page is kept for the archive under the same turn
    keep_pdf_page(source, 5, tmp_path / "kept.pdf", dpi, 270, 3.0, canvas)
    # THEN it renders where the OCR copy lay (under a pixel off at 100 dpi), its image still its own
    kept = render_pdf_page(tmp_path / "kept.pdf", 0, dpi)
    kept = cv2.resize(kept, (ocr_copy.shape[1], ocr_copy.shape[0]))  # pdftoppm rounds the page size
    (dx, dy), _ = cv2.phaseCorrelate(kept.astype(np.float64), ocr_copy.astype(np.float64))
    assert abs(dx) < 1.5 and abs(dy) < 1.5
    assert np.corrcoef(kept.ravel(), ocr_copy.ravel())[0, 1] > 0.7
    with pikepdf.open(source) as original:
        own, = [image.read_raw_bytes() for image in original.pages[5].get_images().values()]
    assert _raw_images(tmp_path / "kept.pdf") == [own]


def _png_idat(png: bytes) -> bytes:
    """A PNG's image data: its IDAT chunks joined, one zlib stream."""
    import struct

    data, at = b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind == b"IDAT":
            data += png[at + 8:at + 8 + length]
        at += 12 + length
    return data


def _bench_record():
    from domain.model import RecordFile

    return RecordFile(file_id="t", file_number="REV/TSL-05/1987/0042", file_number_raw="REV/TSL-05/1987/0042",
                      file_number_source="barcode", district="anantnag", tehsil="kokernag", batch="2026-11-20",
                      stack="linn.png", processed_at="2026-11-20T23:30:00")
