"""OCRmyPDF, the one place it is run: the archival PDF/A copy of a born-digital PDF, which keeps
its own text and is not OCRed. Scans are not sent through OCRmyPDF (see `pipeline.ocr`)."""

from __future__ import annotations

import sys
from pathlib import Path

from domain.errors import OcrFailed
from pipeline import processes
from pipeline.tesseract import last_line, tesseract_env  # OCRmyPDF runs Tesseract underneath


def archive_pdf(source: Path, out: Path) -> None:
    """A born-digital PDF keeps its own text: made PDF/A-2b by OCRmyPDF without OCR. Raises
    OcrFailed when OCRmyPDF cannot write it."""
    command = [sys.executable, "-m", "ocrmypdf", "--skip-text", "--output-type", "pdfa-2", "--pdfa-backend", "auto",
               "--optimize", "0", "--quiet", str(source), str(out)]
    result = processes.run(command, writes_to=out.parent, text=True, env=tesseract_env())
    if result.returncode != 0 or not out.exists():
        # Ghostscript 10.0.0 refuses --skip-text with PDF/A: keep the original's content instead.
        command[command.index("pdfa-2")] = "pdf"
        result = processes.run(command, writes_to=out.parent, text=True, env=tesseract_env())
    if result.returncode != 0 or not out.exists():
        raise OcrFailed(f"ocrmypdf exit {result.returncode}: {last_line(result.stderr)}")


def version() -> str:
    """The installed OCRmyPDF's version; ImportError when it cannot be loaded."""
    import ocrmypdf  # heavy, and only `daftar doctor` needs it loaded in this process

    return ocrmypdf.__version__
