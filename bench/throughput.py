"""Throughput of a whole `daftar run`, side by side with plain OCRmyPDF and the Tesseract limit.

All three read the same pages, in the same run:
  * Tesseract limit: the sum of single-page `tesseract` times (one thread each), divided by cores;
  * plain `ocrmypdf --jobs <cores>` on a PDF of those pages (its defaults: PDF/A output);
  * `daftar run` on an inbox holding those pages as record-file folders (deskew, barcodes, OCR,
    archive, index, Prefect included).

    .venv/bin/python bench/throughput.py [--pages 40] [--languages eng+urd] [--file-pages 8]

Pages are full typed A4 pages at 300 dpi made by sample_scans' generator (three English to one
Urdu), upright, so all three read the same clean pages. daftar reads each page with the languages
of its script (English pages with eng alone); the other two read every page with --languages.
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

import img2pdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.config import OcrSettings  # noqa: E402
from pipeline.tesseract import tesseract_env  # noqa: E402

CORES = os.cpu_count() or 1
PSM = OcrSettings().page_segmentation  # daftar's default page segmentation (it uses 6 on Urdu pages)


def generated_pages(count: int, folder: Path) -> list[Path]:
    """Full typed A4 pages at 300 dpi, as record rooms hold them: three English pages to one
    Urdu page, each filled with the record-room texts of sample_scans' generator."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_sample_scans as samples

    texts = {language: [getattr(samples, name) for name in sorted(dir(samples)) if name.startswith(prefix)]
             for language, prefix in (("eng", "ENGLISH_"), ("urd", "URDU_"))}
    pages = []
    for number in range(count):
        language = "urd" if number % 4 == 3 else "eng"
        documents = texts[language]
        blocks = [block for k in range(3) for block in documents[(number + k) % len(documents)]]
        page = samples.typed_page(f"bench-{number}", blocks, language=language, dpi=300)
        path = folder / f"page-{number:04d}.jpg"
        page.image.save(path, quality=85, dpi=(300, 300))
        pages.append(path)
    return pages


def tesseract_limit(pages: list[Path], languages: str, folder: Path) -> float:
    total = 0.0
    for page in pages:
        started = time.perf_counter()
        subprocess.run(["tesseract", str(page), str(folder / page.stem), "-l", languages, "--psm", str(PSM), "txt"],
                       check=True, capture_output=True, env=tesseract_env())
        total += time.perf_counter() - started
    return total / CORES


def plain_ocrmypdf(pages: list[Path], languages: str, folder: Path) -> float:
    source, out = folder / "pages.pdf", folder / "ocrmypdf-out.pdf"
    source.write_bytes(img2pdf.convert([str(page) for page in pages]))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ocrmypdf", "--jobs", str(CORES), "-l", languages, "--tesseract-pagesegmode", str(PSM),
                    "--quiet", str(source), str(out)],
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
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--languages", default="eng+urd")
    parser.add_argument("--file-pages", type=int, default=8, help="pages per record file in the daftar inbox")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daftar-bench-") as tmp:
        folder = Path(tmp)
        pages = generated_pages(args.pages, folder)
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
