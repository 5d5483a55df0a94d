"""Tesseract, the one place it is run: a page's OCR (text, word table and ALTO from one run)
and its orientation and script detection (OSD).

Failures come back as values, not exceptions: a page Tesseract refuses is flagged and the rest
of its record file still read; OSD is only ever a second opinion. Two failures are not the page's
and are raised instead (by `pipeline.processes`, which starts every Tesseract): a stop of the night
(Stopped) and a full disk (DiskFull).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

from pipeline import processes, tessdata

OUTPUTS = ("txt", "tsv", "alto")  # Tesseract's configs: what one run writes (ALTO needs Tesseract >= 4.1)


def tesseract_env() -> dict[str, str]:
    """The environment every Tesseract runs in, OCRmyPDF's included."""
    # Tesseract's OpenMP threading is several times slower here; one thread per process.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def ocr_to_files(image: Path, base: Path, languages: tuple[str, ...], page_segmentation: int, dpi: int, timeout: float) -> str | None:
    """Read one page image with one Tesseract run that writes `base`.txt (the text), .tsv (the
    words, their boxes and confidences) and .xml (ALTO). None when it wrote them, else why not."""
    command = ["tesseract", *tessdata.tessdata_args(languages), str(image), str(base), "-l", "+".join(languages),
               "--psm", str(page_segmentation), "--dpi", str(dpi), *OUTPUTS]
    try:
        result = processes.run(command, writes_to=base.parent, text=True, env=tesseract_env(), timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"Tesseract timed out after {timeout:.0f}s"
    if result.returncode != 0 or not all(base.with_suffix(suffix).exists() for suffix in (".txt", ".tsv", ".xml")):
        return f"Tesseract exit {result.returncode}: {last_line(result.stderr)}"
    return None


def read_tsv(tsv: Path) -> list[dict[str, str]]:
    """The rows of Tesseract's word table: the page (level 1), its blocks, paragraphs, lines (4)
    and words (5), each with its box in pixels, a word with its confidence and text."""
    with tsv.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def detect_orientation(png: bytes, dpi: int, timeout: float) -> dict[str, str]:
    """Tesseract OSD on one PNG image: its report as fields ("Rotate", "Orientation confidence",
    "Script", "Script confidence"); empty when it found too few characters or could not run."""
    try:
        result = processes.run(["tesseract", "-", "-", "--psm", "0", "-l", "osd", "--dpi", str(dpi)],
                               input=png, timeout=timeout, env=tesseract_env())
    except (OSError, subprocess.TimeoutExpired):
        return {}
    fields = {}
    for line in (result.stdout + result.stderr).decode(errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def version() -> str | None:
    """Tesseract's version line ("tesseract 5.3.0"), or None when it is not installed."""
    if shutil.which("tesseract") is None:
        return None
    result = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def installed_languages() -> set[str]:
    """The languages (and scripts, and "osd") Tesseract has data for; empty when it is not installed."""
    if shutil.which("tesseract") is None:
        return set()
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.splitlines()
    return {line.strip() for line in listed[1:] if line.strip()}  # the first line says where the data lives


def last_line(text: str) -> str:
    """The last non-empty line of a program's messages, for an error that fits on one line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"
