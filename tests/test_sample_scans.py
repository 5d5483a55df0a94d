"""sample_scans/ and its generator: the output is reproducible, and truth.json tells the truth about it.

Fast and OCR-free: these tests read files, page counts, PDF text layers and barcodes, never Tesseract.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_scans"
INBOX = SAMPLE / "inbox"
GENERATOR = ROOT / "scripts" / "make_sample_scans.py"
SEPARATOR = "DAFTAR-SEPARATOR"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def load_generator():
    spec = importlib.util.spec_from_file_location("make_sample_scans", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def revenue_pattern() -> tuple[re.Pattern, int]:
    district = yaml.safe_load((ROOT / "configs" / "districts" / "anantnag.yaml").read_text(encoding="utf-8"))
    pattern = next(p for p in district["file_number_patterns"] if p["name"] == "revenue")
    return re.compile(pattern["regex"]), pattern["serial_width"]


def normalize(raw: str) -> str | None:
    regex, width = revenue_pattern()
    match = regex.search(raw)
    if not match:
        return None
    return f"{match['office']}/{match['section']}/{match['year']}/{int(match['serial']):0{width}d}"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


def batch_dir(record: dict) -> Path:
    return INBOX / record["district"] / record["tehsil"] / record["batch"]


def all_pages(truth: dict):
    """(record file, page) for every page in the sample, separator sheets included."""
    for record in truth["record_files"]:
        for page in [*record["separators"], *record["pages"]]:
            yield record, page


def page_count(path: Path) -> int:
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)


def page_image(path: Path, number: int) -> Image.Image:
    """The scanned image of a page (for a scanner PDF, the JPEG embedded in it)."""
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            (image,) = pdf.pages[number - 1].get_images().values()
            return pikepdf.PdfImage(image).as_pil_image().convert("L")
    with Image.open(path) as image:
        image.seek(number - 1)
        return image.convert("L")


# --- the generator ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole sample, generated anew."""
    return load_generator().generate(tmp_path_factory.mktemp("fresh"), None)


def test_generator_is_deterministic(fresh: Path, tmp_path: Path) -> None:
    """A second run writes the same bytes (PNG, G4 TIFF, scanner PDF, born-digital PDF, manifest)."""
    batches = ["bijbehara/2026-11-21", "kokernag/2026-11-20"]
    again = load_generator().generate(tmp_path, batches)
    files = sorted(p.relative_to(again) for p in (again / "inbox").rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".pdf", ".png", ".tif", ".csv"}
    for relative in files:
        assert (again / relative).read_bytes() == (fresh / relative).read_bytes(), relative
    subset = json.loads((again / "truth.json").read_text(encoding="utf-8"))["record_files"]
    whole = json.loads((fresh / "truth.json").read_text(encoding="utf-8"))["record_files"]
    assert subset == [r for r in whole if f"{r['tehsil']}/{r['batch']}" in batches]


def test_committed_sample_matches_the_generator(truth: dict, fresh: Path) -> None:
    """The committed truth.json is what the generator now describes (text aside: it depends on font metrics)."""
    regenerated = json.loads((fresh / "truth.json").read_text(encoding="utf-8"))

    def shape(document: dict) -> list:
        return [
            {**record, "pages": [{k: v for k, v in p.items() if k != "text"} for p in record["pages"]],
             "separators": [{k: v for k, v in p.items() if k != "text"} for p in record["separators"]]}
            for record in document["record_files"]
        ] + document["quarantined"]

    assert shape(regenerated) == shape(truth)
    committed = sorted(p.relative_to(INBOX) for p in INBOX.rglob("*") if p.is_file())
    assert committed == sorted(p.relative_to(fresh / "inbox") for p in (fresh / "inbox").rglob("*") if p.is_file())


# --- truth.json against the files ------------------------------------------------------------


def test_every_page_exists_and_every_file_is_accounted_for(truth: dict) -> None:
    used: Counter = Counter()
    for record, page in all_pages(truth):
        path = batch_dir(record) / page["source"]
        assert path.is_file(), path
        assert 1 <= page["source_page"] <= page_count(path), (path, page["source_page"])
        used[(path, page["source_page"])] += 1
        if record["stack"]:
            assert page["source"] == record["stack"] or page["source"].startswith(record["stack"] + "/")
        else:
            assert "/" not in page["source"]
    assert all(count == 1 for count in used.values()), [key for key, count in used.items() if count > 1]
    # every page of every source is in the truth, and every other file is meant to be quarantined
    for path in {path for path, _ in used}:
        assert {n for p, n in used if p == path} == set(range(1, page_count(path) + 1)), path
    quarantined = {INBOX / q["path"] for q in truth["quarantined"]}
    on_disk = {p for p in INBOX.rglob("*") if p.is_file() and p.name != "manifest.csv"}
    assert on_disk == {path for path, _ in used} | quarantined


def test_stack_pages_run_in_feeder_order(truth: dict) -> None:
    stacks: dict = {}
    for record, page in all_pages(truth):
        stacks.setdefault((record["tehsil"], record["batch"], record["stack"]), []).append(page)
    for key, pages in stacks.items():
        order = sorted(pages, key=lambda p: p["stack_page"])
        assert [p["stack_page"] for p in order] == list(range(1, len(pages) + 1)), key
        assert [(p["source"], p["source_page"]) for p in order] == sorted((p["source"], p["source_page"]) for p in pages), key


def test_quarantined_inputs_are_really_bad(truth: dict) -> None:
    reasons = {q["reason_contains"] for q in truth["quarantined"]}
    assert reasons == {"corrupt", "empty"}
    for entry in truth["quarantined"]:
        path = INBOX / entry["path"]
        if entry["reason_contains"] == "empty":
            assert path.stat().st_size == 0
        else:
            with pytest.raises(pikepdf.PdfError):
                pikepdf.open(path)


def test_images_are_a4_at_their_resolution(truth: dict) -> None:
    for record, page in all_pages(truth):
        path = batch_dir(record) / page["source"]
        if page["dpi"] is None:
            assert page["condition"] == "born-digital"
            continue
        image = page_image(path, page["source_page"])
        assert abs(image.width - 8.27 * page["dpi"]) <= 2 and abs(image.height - 11.69 * page["dpi"]) <= 2, path


def test_file_numbers_are_where_the_truth_says(truth: dict) -> None:
    manifests = {}
    for path in INBOX.rglob("manifest.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert list(rows[0]) == ["source", "file_number", "title", "record_type", "year", "operator"]
        for row in rows:
            assert (path.parent / row["source"]).exists(), row
            manifests[(path.parent, row["source"])] = row
    for record in truth["record_files"]:
        number = record["file_number"]
        assert number == normalize(number), number
        on_labels = {normalize(b["value"]) for p in record["pages"] for b in p["barcodes"]} - {None}
        row = manifests.get((batch_dir(record), record["stack"])) if record["stack"] else None
        from_manifest = normalize(row["file_number"]) if row and row["file_number"] else None
        in_text = {normalize(p["text"]) for p in record["pages"]} - {None}
        source = record["file_number_source"]
        if source == "barcode":
            assert on_labels == {number}
            assert record["pages"][0]["kind"] == "cover"
        elif source == "manifest":
            assert not on_labels and not in_text and from_manifest == number
        elif source == "text":
            assert not on_labels and from_manifest is None and in_text == {number}
        else:
            pytest.fail(f"unknown file_number_source {source}")
        if row:
            assert row["title"] == record["title"] and row["record_type"] == record["record_type"]
            assert int(row["year"]) == record["year"]


def test_separators_split_stacks(truth: dict) -> None:
    for record in truth["record_files"]:
        for page in record["separators"]:
            assert page["kind"] == "separator" and page["barcodes"] == [{"symbology": "code128", "value": SEPARATOR}]
        for page in record["pages"]:
            assert page["kind"] != "separator" and SEPARATOR not in {b["value"] for b in page["barcodes"]}
    assert max(sum(1 for r in truth["record_files"] if (r["tehsil"], r["batch"], r["stack"]) == key)
               for key in {(r["tehsil"], r["batch"], r["stack"]) for r in truth["record_files"]}) == 3


def test_born_digital_pdf_has_the_text_and_scanner_pdf_has_none(truth: dict) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    for record in truth["record_files"]:
        pdfs = {p["source"] for p in record["pages"] if p["source"].endswith(".pdf")}
        for source in pdfs:
            with pdfplumber.open(batch_dir(record) / source) as pdf:
                texts = [page.extract_text() or "" for page in pdf.pages]
            for page in record["pages"]:
                found = texts[page["source_page"] - 1]
                if page["condition"] == "born-digital":
                    assert found.split() == page["text"].split()
                else:
                    assert found.strip() == ""


def test_barcodes_read_back(truth: dict) -> None:
    """Every printed symbol decodes to its value, and no page shows a symbol the truth does not list."""
    zxingcpp = pytest.importorskip("zxingcpp")
    for record, page in all_pages(truth):
        if page["dpi"] is None:
            continue
        image = page_image(batch_dir(record) / page["source"], page["source_page"])
        found = sorted(result.text for result in zxingcpp.read_barcodes(image))
        assert found == sorted(b["value"] for b in page["barcodes"]), (page["source"], page["source_page"])


def test_sample_has_every_case_the_issue_asks_for(truth: dict) -> None:
    pages = [page for _, page in all_pages(truth)]
    record_pages = [page for record in truth["record_files"] for page in record["pages"]]
    assert {p["language"] for p in record_pages if p["kind"] == "text"} == {"eng", "urd", "hin"}
    assert {b["symbology"] for p in pages for b in p["barcodes"]} == {"code128", "qrcode", "code39"}
    assert any(len(p["barcodes"]) == 2 for p in record_pages)
    skews = [abs(p["skew_degrees"]) for p in record_pages]
    assert sum(1 <= s <= 8 for s in skews) >= 8 and max(skews) <= 8
    assert [p["orientation"] for p in pages].count(180) == 1
    assert [p["kind"] for p in pages].count("blank") == 1
    assert {p["condition"] for p in pages} == {"clean", "noisy-low-contrast", "blank-with-bleed-through", "born-digital"}
    assert {r["file_number_source"] for r in truth["record_files"]} == {"barcode", "manifest", "text"}
    suffixes = {(batch_dir(r) / p["source"]).suffix for r in truth["record_files"] for p in r["pages"]}
    assert suffixes == {".jpg", ".png", ".tif", ".pdf"}
    assert {r["tehsil"] for r in truth["record_files"]} == {"bijbehara", "kokernag"}
    assert {r["batch"] for r in truth["record_files"]} == {"2026-11-20", "2026-11-21"}
    assert 22 <= len(pages) <= 30
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 6_000_000


def test_tiffs_use_the_promised_compression(truth: dict) -> None:
    compressions = {}
    for path in INBOX.rglob("*.tif"):
        if path.stat().st_size:
            with Image.open(path) as image:
                compressions[path.name] = image.info.get("compression")
    assert sorted(compressions.values()) == ["group4", "tiff_lzw"]
