"""The checks an operator runs on scanner output before a night: what barcode reading and page
cleaning find on every page (`daftar barcodes`, `daftar inspect`). Each walks the pages of its
inputs one at a time, so a 500-page PDF costs one page of memory, and runs one stage on each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from domain.config import CleaningSettings
from domain.model import Barcode
from extractors.barcodes import read_barcodes
from pipeline.pages import iter_pages
from pipeline.preprocess import clean_page


def describe_barcodes(paths: Sequence[Path], dpi: int = 300) -> list[dict]:
    """What `daftar barcodes` shows: per input, per page, every barcode read (value, symbology,
    1-based page, box as [left, top, width, height] in page pixels, decoder). PDFs are rendered
    at `dpi`. An input that cannot be read gets an "error" and the others are still described."""
    described = []
    for path in paths:
        path = Path(path)
        entry: dict = {"path": str(path), "pages": [], "barcodes": []}
        try:
            for page in iter_pages(path, dpi=dpi):
                barcodes = [_barcode_dict(barcode, page.index + 1) for barcode in read_barcodes(page.image)]
                entry["pages"].append({"page": page.index + 1, "barcodes": barcodes})
                entry["barcodes"].extend(barcodes)
        except Exception as error:  # one unreadable input must not hide the others
            entry["error"] = str(error)
        described.append(entry)
    return described


def _barcode_dict(barcode: Barcode, page: int) -> dict:
    return {"value": barcode.value, "symbology": barcode.symbology, "page": page, "box": list(barcode.box), "decoder": barcode.decoder}


def inspect_pages(paths: Sequence[Path], settings: CleaningSettings, dpi: int = 300) -> list[dict]:
    """What `daftar inspect` shows: per input, per page, what cleaning finds (skew, orientation,
    blank, script, each with its confidence). An unreadable input raises UnreadableSource."""
    report = []
    for path in paths:
        pages = []
        for page in iter_pages(Path(path), dpi):
            cleaned = clean_page(page.image, page.dpi, settings)
            pages.append({
                "page": page.index + 1,
                "skew_degrees": cleaned.skew_degrees,
                "skew_confidence": cleaned.skew_confidence,
                "orientation": cleaned.orientation,
                "orientation_confidence": cleaned.orientation_confidence,
                "blank": cleaned.blank,
                "blank_confidence": cleaned.blank_confidence,
                "script": cleaned.script,
                "script_confidence": cleaned.script_confidence,
                "uncertain": cleaned.uncertain,
            })
        report.append({"path": str(path), "pages": pages})
    return report
