"""Throughput of a whole `daftar run`, side by side with plain OCRmyPDF and the Tesseract limit.

All three read the same pages, in the same run:
  * Tesseract limit: the sum of single-page `tesseract` times (one thread each), divided by cores;
  * plain `ocrmypdf --jobs <cores>` on a PDF of those pages (its defaults: PDF/A output);
  * `daftar run` on an inbox holding those pages as record-file folders (deskew, barcodes, OCR,
    archive, index, Prefect included).

    .venv/bin/python bench/throughput.py [--pages 12] [--languages eng+urd] [--file-pages 4]

Pages come from sample_scans/ (typed English/Urdu/Hindi pages, skewed ones included), cycled
to the requested count; they are deskewed first, so the limit is measured on upright pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import CleaningSettings  # noqa: E402
from pipeline.ocr import images_to_pdf, tesseract_env  # noqa: E402
from pipeline.pages import iter_pages  # noqa: E402
from pipeline.preprocess import clean_page  # noqa: E402

CORES = os.cpu_count() or 1


def sample_pages(count: int, folder: Path) -> list[Path]:
    """Upright, non-blank pages from the sample scans, written as 300 dpi JPEG files."""
    sources = sorted(p for p in (ROOT / "sample_scans" / "inbox").rglob("*") if p.suffix.lower() in {".jpg", ".png", ".tif", ".tiff"})
    pages: list[Path] = []
    settings = CleaningSettings()
    for source in sources:
        try:
            for page in iter_pages(source):
                cleaned = clean_page(page.image, page.dpi, settings)
                if cleaned.blank:
                    continue
                path = folder / f"page-{len(pages):04d}.jpg"
                cv2.imwrite(str(path), cleaned.image, [cv2.IMWRITE_JPEG_QUALITY, 85])
                pages.append(path)
        except Exception:
            continue  # the sample's corrupt files are not pages
    if not pages:
        raise SystemExit("no pages found in sample_scans/inbox")
    while len(pages) < count:
        copy = folder / f"page-{len(pages):04d}.jpg"
        shutil.copyfile(pages[len(pages) % len(pages)], copy)
        pages.append(copy)
    return pages[:count]


def tesseract_limit(pages: list[Path], languages: str, folder: Path) -> float:
    total = 0.0
    for page in pages:
        started = time.perf_counter()
        subprocess.run(["tesseract", str(page), str(folder / page.stem), "-l", languages, "txt"],
                       check=True, capture_output=True, env=tesseract_env())
        total += time.perf_counter() - started
    return total / CORES


def plain_ocrmypdf(pages: list[Path], languages: str, folder: Path) -> float:
    source, out = folder / "pages.pdf", folder / "ocrmypdf-out.pdf"
    images_to_pdf(pages, source)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ocrmypdf", "--jobs", str(CORES), "-l", languages, "--quiet", str(source), str(out)],
                   check=True, env=tesseract_env())
    return time.perf_counter() - started


def daftar_run(pages: list[Path], languages: str, file_pages: int, folder: Path) -> float:
    inbox, home, config = folder / "inbox", folder / "home", folder / "configs"
    batch = inbox / "benchdistrict" / "benchtehsil" / "night-1"
    for index, page in enumerate(pages):
        target = batch / f"file-{index // file_pages:03d}" / page.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
    (config / "districts").mkdir(parents=True)
    (config / "districts" / "benchdistrict.yaml").write_text(
        f"name: benchdistrict\nlanguages: [{', '.join(languages.split('+'))}]\n", encoding="utf-8")
    env = {**os.environ, "DAFTAR_CONFIG": str(config), "DAFTAR_HOME": str(home), "DAFTAR_WORKERS": str(CORES)}
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "daftar"), "run", str(inbox), "--settle-seconds", "0", "--json"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--languages", default="eng+urd")
    parser.add_argument("--file-pages", type=int, default=4, help="pages per record file in the daftar inbox")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daftar-bench-") as tmp:
        folder = Path(tmp)
        pages = sample_pages(args.pages, folder)
        limit = tesseract_limit(pages, args.languages, folder)
        ocrmypdf_seconds = plain_ocrmypdf(pages, args.languages, folder)
        daftar_seconds = daftar_run(pages, args.languages, args.file_pages, folder)
    n = len(pages)
    print(f"{n} pages, languages {args.languages}, {CORES} cores, {args.file_pages} pages per record file")
    print(f"{'':28} {'seconds':>8} {'pages/min':>10} {'x limit':>8}")
    for name, seconds in (("tesseract limit", limit), ("plain ocrmypdf --jobs", ocrmypdf_seconds), ("daftar run (whole batch)", daftar_seconds)):
        print(f"{name:28} {seconds:8.1f} {60 * n / seconds:10.1f} {limit / seconds:8.2f}")


if __name__ == "__main__":
    main()
