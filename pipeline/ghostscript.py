"""Ghostscript, the one place it is run: a born-digital PDF rewritten by its pdfwrite device when
the original cannot be made PDF/A as it is (fonts not embedded, colours without a profile).
pdfwrite keeps the text, embeds the fonts and keeps the document info; the result is then made
PDF/A and validated like every archived PDF (`pipeline.archival_pdf`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pipeline import processes
from pipeline.tesseract import last_line

PROGRAM = "gs"
TIMEOUT_SECONDS = 300


def rewrite_for_pdfa(source: Path, out: Path) -> str | None:
    """Rewrite `source` as `out` with fonts embedded and colours in sRGB; None when it did,
    else what went wrong (the caller archives the original and says so)."""
    command = [PROGRAM, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2",
               "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true",
               "-dAutoRotatePages=/None", "-dPassThroughJPEGImages=true", "-o", str(out), str(source)]
    try:
        result = processes.run(command, writes_to=out.parent, text=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError:
        return f"{PROGRAM} not found"
    except subprocess.TimeoutExpired:
        return f"{PROGRAM} took over {TIMEOUT_SECONDS} s"
    if result.returncode != 0 or not out.exists():
        return f"{PROGRAM} exit {result.returncode}: {last_line(result.stderr or result.stdout)}"
    return None
