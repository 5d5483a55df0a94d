"""poppler's pdftoppm, the one place it is run: PDF pages rendered for cleaning and OCR
(greyscale PGM) and for the web's page images (JPEG).

Standard library only: the web renders page images with it and must not load OpenCV or numpy.
Pages are numbered from 1, as pdftoppm numbers them.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from domain.errors import UnreadableSource
from domain.translatable import N_, Said
from pipeline import processes

CANNOT_RENDER = N_("cannot render PDF page %(page)d: %(detail)s")  # a quarantine reason (`pipeline.pages.UNREADABLE`)


def render_grey(pdf: Path, page: int, dpi: int, prefix: Path) -> tuple[Path, str]:
    """Render page `page` of `pdf` at `dpi` as a greyscale PGM `prefix`.pgm; returns its path and
    what pdftoppm said (an image it could not decode is left white, reported only there).
    PGM, not PNG: compressing a noisy 300 dpi page to PNG cost seconds of CPU here, PGM a tenth
    of a second. Raises UnreadableSource when the page cannot be rendered."""
    result = _run(pdf, page, ["-gray", "-r", str(dpi)], prefix, timeout=300)
    pgm = prefix.with_suffix(".pgm")
    if result.returncode != 0 or not pgm.exists():
        raise UnreadableSource(Said(CANNOT_RENDER, {"page": page, "detail": result.stderr.strip()[:200]}))
    return pgm, result.stderr.strip()


def render_page(pdf: Path, page: int, width: int, target: Path) -> None:
    """Render page `page` of `pdf` as a JPEG `width` pixels wide at `target`, replacing it
    atomically (a reader never sees half an image). Raises RuntimeError with pdftoppm's message
    when the page cannot be rendered."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="daftar-thumb-", dir=target.parent) as tmp:
        prefix = Path(tmp) / "page"
        options = ["-jpeg", "-jpegopt", "quality=80", "-scale-to-x", str(width), "-scale-to-y", "-1"]
        result = _run(pdf, page, options, prefix, timeout=120)
        rendered = prefix.with_suffix(".jpg")
        if result.returncode != 0 or not rendered.exists():
            raise RuntimeError(f"pdftoppm could not render page {page} of {pdf.name}: {result.stderr.strip()[:200]}")
        os.replace(rendered, target)


def _run(pdf: Path, page: int, options: list[str], prefix: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    command = ["pdftoppm", "-f", str(page), "-l", str(page), "-singlefile", *options, str(pdf), str(prefix)]
    return processes.run(command, writes_to=prefix.parent, text=True, timeout=timeout)
