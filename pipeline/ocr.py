"""OCR: cleaned page images in, an archival PDF/A-2b with a text layer and each page's text out.

Each page is read once by one single-threaded Tesseract, with the languages and layout that fit
that page; one Tesseract per core runs at a time across all record files of the night. The
same Tesseract run writes the page's text (its own output, in logical order, so Urdu reads
right), its word confidences, and an invisible text layer that is laid over the page image.
pikepdf joins the pages and writes PDF/A-2b, validating what it wrote.

OCRmyPDF makes the archival copy of born-digital PDFs, which are not OCRed. It is not used for
scans: one OCRmyPDF run reads all its pages with one language set, and costs a process, a
re-rasterization and a PDF/A pass per run; on 40 sample pages that ran at 0.31x of the
Tesseract limit (bench/throughput.py). The programs themselves are run by `pipeline.tesseract`
and `pipeline.ocrmypdf`.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
import pikepdf.pdfa

from domain.errors import OcrFailed
from pipeline import tesseract

__all__ = ["PageOcr", "PdfAssembler", "ocr_page", "pages_without_text_layer", "tesseract_pool", "word_confidence"]


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


class PdfAssembler:
    """Builds a record file's PDF page by page: each page image embedded as scanned (JPEG, not
    re-encoded) with its text layer laid over it. Pages are saved in chunks, so memory holds a
    chunk of pages at most, never the whole file."""

    def __init__(self, work: Path, name: str, chunk_pages: int):
        self.work, self.name, self.chunk_pages = work, name, chunk_pages
        self.chunks: list[Path] = []
        self._pdf: pikepdf.Pdf | None = None
        self._sources: list[pikepdf.Pdf] = []
        self._layers: list[Path] = []  # read lazily by pikepdf: deleted once the chunk is saved

    def add(self, image: Path, text_layer: Path | None) -> None:
        if self._pdf is None:
            self._pdf = pikepdf.new()
        page_pdf = pikepdf.open(io.BytesIO(img2pdf.convert(str(image))))
        self._sources.append(page_pdf)
        self._pdf.pages.append(page_pdf.pages[0])
        if text_layer is not None:
            layer = pikepdf.open(text_layer)
            self._sources.append(layer)
            self._layers.append(text_layer)
            self._pdf.pages[-1].add_overlay(layer.pages[0])
        if len(self._pdf.pages) >= self.chunk_pages:
            self._save_chunk()

    def _save_chunk(self) -> None:
        if self._pdf is None:
            return
        path = self.work / f"{self.name}-part{len(self.chunks):04d}.pdf"
        self._pdf.save(path)
        for source in self._sources:
            source.close()
        for layer in self._layers:
            layer.unlink(missing_ok=True)
        self._pdf.close()
        self._pdf, self._sources, self._layers = None, [], []
        self.chunks.append(path)

    def finish(self, out: Path) -> Path:
        """Join the chunks and write `out` as PDF/A-2b; raise OcrFailed if it does not validate."""
        self._save_chunk()
        with pikepdf.open(self.chunks[0]) as pdf:
            for chunk in self.chunks[1:]:
                with pikepdf.open(chunk) as other:
                    pdf.pages.extend(other.pages)
            with pdf.open_metadata() as meta:
                meta["dc:title"] = self.name
            report = pikepdf.pdfa.save(pdf, out, "2b")
        if not report.passed:
            raise OcrFailed(f"PDF/A-2b validation failed: {report}")
        for chunk in self.chunks:
            chunk.unlink(missing_ok=True)
        return out


def pages_without_text_layer(pdf: Path, expected: list[int]) -> list[int]:
    """The 1-based pages that OCR read text on but whose PDF page carries no text layer."""
    import pdfplumber

    missing = []
    with pdfplumber.open(pdf) as document:
        for number in expected:
            page = document.pages[number - 1]
            if not page.chars:
                missing.append(number)
            page.close()
    return missing
