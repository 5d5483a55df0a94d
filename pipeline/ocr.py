"""OCR: cleaned page images in, an archival PDF/A-2b with a text layer and each page's text out.

Each page is read once by one single-threaded Tesseract, with the languages and layout that fit
that page; one Tesseract per core runs at a time across all record files of the night. The
same Tesseract run writes the page's text (its own output, in logical order, so Urdu reads
right), its word confidences, and an invisible text layer that `pipeline.archival_pdf` lays
over the page image.

OCRmyPDF makes the archival copy of born-digital PDFs, which are not OCRed. It is not used for
scans: one OCRmyPDF run reads all its pages with one language set, and costs a process, a
re-rasterization and a PDF/A pass per run; on 40 sample pages that ran at 0.31x of the
Tesseract limit (bench/throughput.py). The programs themselves are run by `pipeline.tesseract`
and `pipeline.ocrmypdf`.
"""

from __future__ import annotations

import csv
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline import tesseract

__all__ = ["PageOcr", "ocr_page", "tesseract_pool", "word_confidence"]


@dataclass(frozen=True)
class PageOcr:
    text: str
    confidence: float | None  # mean word confidence 0-100, None when no word was read
    text_layer: Path | None  # Tesseract's text-only PDF page; None if Tesseract gave up
    seconds: float
    error: str | None = None


_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def tesseract_pool(workers: int) -> ThreadPoolExecutor:
    """The process-wide pool that runs Tesseract: `workers` at a time across all record files,
    however many stacks are being read."""
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tesseract")
        return _pools[workers]


def ocr_page(image: Path, languages: tuple[str, ...], page_segmentation: int, dpi: int, timeout: float) -> PageOcr:
    """Read one page image: text, confidence and an invisible text layer, from one Tesseract run."""
    base = image.with_suffix("")
    started = time.perf_counter()
    error = tesseract.ocr_to_files(image, base, languages, page_segmentation, dpi, timeout)
    seconds = time.perf_counter() - started
    if error:
        return PageOcr("", None, None, seconds, error)
    text = base.with_suffix(".txt").read_text(encoding="utf-8").replace("\f", "").strip()
    confidence = word_confidence(base.with_suffix(".tsv"))
    for done in (base.with_suffix(".txt"), base.with_suffix(".tsv")):
        done.unlink()
    return PageOcr(text, confidence, base.with_suffix(".pdf"), seconds)


def word_confidence(tsv: Path) -> float | None:
    """Mean confidence of the words Tesseract read (level 5 rows with text)."""
    with tsv.open(encoding="utf-8", newline="") as handle:
        values = [float(row["conf"]) for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                  if row.get("level") == "5" and (row.get("text") or "").strip() and float(row["conf"]) >= 0]
    return round(sum(values) / len(values), 1) if values else None
