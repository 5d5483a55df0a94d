"""OCRmyPDF, as `daftar doctor` reports it. No archive goes through OCRmyPDF: scans are OCRed
page by page (see `pipeline.ocr`) and born-digital PDFs are made PDF/A by `pipeline.archival_pdf`,
because with Debian's Ghostscript 10.0.0 OCRmyPDF refuses `--skip-text` with PDF/A output."""

from __future__ import annotations


def version() -> str:
    """The installed OCRmyPDF's version; ImportError when it cannot be loaded."""
    import ocrmypdf  # heavy, and only `daftar doctor` needs it loaded in this process

    return ocrmypdf.__version__
