"""OCR: cleaned page images in, an archival PDF/A-2b with a text layer and each page's text out.

OCRmyPDF drives Tesseract: one single-threaded Tesseract per page, pages in parallel. Pages are
OCRed once; the text of each page comes from Tesseract's own output (the sidecar, in logical
order, so Urdu reads right), not from reading the PDF back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf

# OCRmyPDF writes this into the sidecar for pages it was told not to OCR.
_SKIPPED = re.compile(r"^\s*\[OCR skipped on page", re.MULTILINE)


class OcrFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class OcrOptions:
    languages: tuple[str, ...]
    jobs: int = 1
    timeout: float = 300.0
    page_segmentation: int = 6


def tesseract_env() -> dict[str, str]:
    # Tesseract's OpenMP threading is several times slower here; one thread per process.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def images_to_pdf(images: list[Path], out: Path) -> None:
    """An image-only PDF, one page per cleaned image, embedded without re-encoding; each page's
    physical size comes from the dpi written in its image."""
    with out.open("wb") as handle:
        handle.write(img2pdf.convert([str(p) for p in images]))


@dataclass
class OcrResult:
    texts: list[str]  # every page's text, '' for pages not OCRed
    confidences: list[float | None]  # mean Tesseract word confidence (0-100) per page


def ocr_pdf(source: Path, out: Path, ocr_pages: list[int], page_total: int, options: OcrOptions) -> OcrResult:
    """OCR the given 1-based pages of `source` into PDF/A-2b `out`."""
    sidecar = out.with_suffix(".txt")
    # OCRmyPDF's work folder is kept inside ours: the hOCR of that same OCR pass gives each
    # page's word confidences (no second OCR), and the folder goes when the chunk is done.
    scratch = out.with_name(out.stem + "-ocrmypdf")
    scratch.mkdir()
    command = [
        sys.executable, "-m", "ocrmypdf",
        "--output-type", "pdfa-2",
        "--pdfa-backend", "auto",
        "--optimize", "0",
        "--jobs", str(max(1, options.jobs)),
        "-l", "+".join(options.languages),
        "--tesseract-pagesegmode", str(options.page_segmentation),
        # A timeout of 0 OCRs nothing: a file of only blank pages still gets its archival PDF.
        "--tesseract-timeout", str(options.timeout if ocr_pages else 0),
        "--sidecar", str(sidecar),
        "--keep-temporary-files",
        "--quiet",
    ]
    if ocr_pages and len(ocr_pages) < page_total:
        command += ["--pages", ",".join(str(p) for p in ocr_pages)]
    command += [str(source), str(out)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, env={**tesseract_env(), "TMPDIR": str(scratch)})
        if result.returncode != 0 or not out.exists():
            raise OcrFailed(f"ocrmypdf exit {result.returncode}: {_last_line(result.stderr)}")
        confidences = [page_confidence(scratch, number) for number in range(1, page_total + 1)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return OcrResult(split_sidecar(sidecar.read_text(encoding="utf-8"), page_total), confidences)


_WORD_CONFIDENCE = re.compile(r"class=['\"]ocrx_word['\"][^>]*?x_wconf (\d+)")


def page_confidence(scratch: Path, number: int) -> float | None:
    """Mean word confidence of a page from the hOCR OCRmyPDF kept; None if it was not OCRed."""
    for hocr in scratch.glob(f"*/{number:06d}_ocr_hocr.hocr"):
        values = [int(v) for v in _WORD_CONFIDENCE.findall(hocr.read_text(encoding="utf-8", errors="replace"))]
        return round(sum(values) / len(values), 1) if values else None
    return None


def split_sidecar(text: str, page_total: int) -> list[str]:
    pages = text.split("\f")
    pages = [("" if _SKIPPED.match(page) else page.strip()) for page in pages]
    pages += [""] * (page_total - len(pages))
    return pages[:page_total]


def archive_pdf(source: Path, out: Path) -> None:
    """A born-digital PDF keeps its own text: made PDF/A-2b without OCR."""
    command = [sys.executable, "-m", "ocrmypdf", "--skip-text", "--output-type", "pdfa-2", "--pdfa-backend", "auto",
               "--optimize", "0", "--quiet", str(source), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=tesseract_env())
    if result.returncode != 0 or not out.exists():
        # Ghostscript 10.0.0 refuses --skip-text with PDF/A: keep the original bytes instead.
        command[command.index("pdfa-2")] = "pdf"
        result = subprocess.run(command, capture_output=True, text=True, env=tesseract_env())
    if result.returncode != 0 or not out.exists():
        raise OcrFailed(f"ocrmypdf exit {result.returncode}: {_last_line(result.stderr)}")


def append_pdf(parts: list[Path], out: Path) -> None:
    """Join chunk PDFs into one, keeping the first part's PDF/A metadata and output intent."""
    with pikepdf.open(parts[0]) as first:
        for part in parts[1:]:
            with pikepdf.open(part) as other:
                first.pages.extend(other.pages)
        first.save(out)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"


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
