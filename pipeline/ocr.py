"""OCR: cleaned page images in; each page's text, word confidence, ALTO and invisible text layer out.

Each page is read once by one single-threaded Tesseract, with the languages and layout that fit
that page; one Tesseract per core runs at a time across all record files of the night. The
same Tesseract run writes the page's text (its own output, in logical order, so Urdu reads
right), its words with their boxes and confidences, and its ALTO. The text layer that
`pipeline.archival_pdf` lays over the page image is written from those words by
`pipeline.text_layer` (Tesseract's own PDF layer reads back reversed on Urdu pages).

OCRmyPDF is not used on the night's pages (born-digital PDFs, not OCRed, are made PDF/A by
`pipeline.archival_pdf`): one OCRmyPDF run reads all its pages with one language set, and costs a
process, a re-rasterization and a PDF/A pass per run; on 40 sample pages that ran at 0.31x of the
Tesseract limit (bench/throughput.py). The programs themselves are run by `pipeline.tesseract`
and `pipeline.ocrmypdf` (the latter only for `daftar doctor`).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline import alto, tesseract, text_layer

__all__ = ["PageOcr", "ocr_page", "tesseract_pool", "word_confidence"]


@dataclass(frozen=True)
class PageOcr:
    text: str
    confidence: float | None  # mean word confidence 0-100, None when no word was read
    text_layer: Path | None  # the invisible text layer, a one-page PDF; None if Tesseract gave up
    alto: Path | None  # the page's ALTO, from the same Tesseract run; None if Tesseract gave up
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
    """Read one page image: text, confidence, ALTO and an invisible text layer, from one Tesseract run."""
    base = image.with_suffix("")
    started = time.perf_counter()
    error = tesseract.ocr_to_files(image, base, languages, page_segmentation, dpi, timeout)
    if error:
        return PageOcr("", None, None, None, time.perf_counter() - started, error)
    text = base.with_suffix(".txt").read_text(encoding="utf-8").replace("\f", "").strip()
    rows = tesseract.read_tsv(base.with_suffix(".tsv"))
    layer = text_layer.write_text_layer(text_layer.lines_from_rows(rows), text_layer.page_size(rows), dpi,
                                        base.with_suffix(".pdf"))
    alto.mend_spaces(base.with_suffix(".xml"))
    for done in (base.with_suffix(".txt"), base.with_suffix(".tsv")):
        done.unlink()
    return PageOcr(text, word_confidence(rows), layer, base.with_suffix(".xml"), time.perf_counter() - started)


def word_confidence(rows: list[dict[str, str]]) -> float | None:
    """Mean confidence of the words Tesseract read (level 5 rows of its word table, with text)."""
    values = [float(row["conf"]) for row in rows
              if row.get("level") == "5" and (row.get("text") or "").strip() and float(row["conf"]) >= 0]
    return round(sum(values) / len(values), 1) if values else None
