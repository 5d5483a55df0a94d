"""Throughput of a whole `daftar run` against a fair Tesseract limit and plain OCRmyPDF, in one run.

The same generated pages go to all three:
  * `daftar run` on an inbox holding them as record-file folders (cleaning, barcodes, OCR, PDF/A,
    checks, index and Prefect included), first, so the others can be given its choices;
  * the fair limit: each page read by plain single-threaded `tesseract` with the languages and
    page segmentation daftar chose for that page (from its record.json), as many at once as cores;
  * plain `ocrmypdf --jobs <cores>`, one run per language set, each page with its own languages.

    .venv/bin/python bench/throughput.py [--pages 60] [--file-pages 8] [--languages eng+urd]
    .venv/bin/python bench/throughput.py --one-file 500    # one record file (one stack) of 500 pages

Pages are full typed A4 pages at 300 dpi from sample_scans' generator (three English to one Urdu),
upright. It prints pages/min and the ratio to the limit, then CPU-seconds per page: daftar's whole
run (every process it started) against Tesseract's own in the limit, split into the programs it
started and daftar's own process, that one by step (each step's thread CPU, from the records'
timings) and the rest; and the peak memory of daftar's run, its whole process tree.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import img2pdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import watch_peaks  # noqa: E402
from domain.config import OcrSettings  # noqa: E402
from pipeline.tesseract import tesseract_env  # noqa: E402

CORES = os.cpu_count() or 1
# `daftar` as its console script starts it, writing at exit the CPU-seconds of its own process
# (daftar's Python: cleaning, barcodes, PDF, index, Prefect's client) apart from its programs'.
WITH_USAGE = """
import atexit, json, os, resource, sys
def write_usage():
    own = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["DAFTAR_BENCH_USAGE"], "w") as out:
        json.dump({"own": own.ru_utime + own.ru_stime}, out)
atexit.register(write_usage)  # first registered, so it runs last: after Prefect's server is stopped
sys.argv[0] = "daftar"
from cli import main
main()
"""


@dataclass(frozen=True)
class DaftarRun:
    seconds: float  # wall
    cpu: float  # every process the run started, its own included
    home: Path
    own_cpu: float  # daftar's own process only
    peak_rss_kib: int  # daftar and every process it started, together


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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def daftar_run(pages: list[Path], languages: str, file_pages: int, folder: Path) -> DaftarRun:
    """Wall and CPU seconds of one `daftar run` over the pages; and its home."""
    inbox = folder / "inbox"
    batch = inbox / "benchdistrict" / "benchtehsil" / "night-1"
    for index, page in enumerate(pages):
        target = batch / f"file-{index // file_pages:03d}" / page.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
    return daftar_run_inbox(inbox, languages, folder)


def daftar_run_inbox(inbox: Path, languages: str, folder: Path) -> DaftarRun:
    """One `daftar run` over the inbox, its districts configured in `folder` with nothing but
    their languages."""
    home, config = folder / "home", folder / "configs"
    (config / "districts").mkdir(parents=True)
    for district in {batch.parent.parent.name for batch in inbox.glob("*/*/*")}:
        (config / "districts" / f"{district}.yaml").write_text(
            f"name: {district}\nlanguages: [{', '.join(languages.split('+'))}]\n", encoding="utf-8")
    usage = folder / "usage.json"
    env = {**os.environ, "DAFTAR_CONFIG": str(config), "DAFTAR_HOME": str(home), "DAFTAR_WORKERS": str(CORES),
           "DAFTAR_BENCH_USAGE": str(usage)}
    cpu, started = children_cpu(), time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", WITH_USAGE, "run", str(inbox), "--settle-seconds", "0", "--json"],
                               env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    peaks = watch_peaks(process)
    if process.returncode != 0:
        sys.exit(f"daftar run failed with exit {process.returncode}")
    return DaftarRun(time.perf_counter() - started, children_cpu() - cpu, home, json.loads(usage.read_text())["own"],
                     peaks["rss"])


def daftar_choices(home: Path) -> tuple[dict[str, tuple[str, int]], dict[str, float]]:
    """Per source page name: the languages and page segmentation daftar read it with; and the
    summed per-step seconds of every record file."""
    settings = OcrSettings()
    choices, steps = {}, defaultdict(float)
    for record_json in (home / "archive").rglob("record.json"):
        record = json.loads(record_json.read_text(encoding="utf-8"))
        for page in record["pages"]:
            languages = page.get("language") or "eng"
            default = settings.page_segmentation_arabic if "urd" in languages.split("+") else settings.page_segmentation
            choices[Path(page["source"]).name] = (languages, page.get("page_segmentation") or default)
        for step, seconds in record.get("timings", {}).items():
            steps[step] += seconds
    return choices, dict(steps)


def fair_limit(pages: list[Path], choices: dict[str, tuple[str, int]], folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of plain single-threaded Tesseract on every page, `CORES` at a time,
    each page with daftar's languages and page segmentation for it."""
    def read(page: Path) -> None:
        languages, psm = choices[page.name]
        subprocess.run(["tesseract", str(page), str(folder / page.stem), "-l", languages, "--psm", str(psm), "txt"],
                       check=True, capture_output=True, env=tesseract_env())

    cpu, started = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(CORES) as pool:
        list(pool.map(read, pages))
    return time.perf_counter() - started, children_cpu() - cpu


def plain_ocrmypdf(pages: list[Path], choices: dict[str, tuple[str, int]], folder: Path) -> float:
    """One `ocrmypdf --jobs CORES` per language set, each over the pages daftar read with it."""
    groups: dict[tuple[str, int], list[Path]] = defaultdict(list)
    for page in pages:
        groups[choices[page.name]].append(page)
    started = time.perf_counter()
    for number, ((languages, psm), group) in enumerate(groups.items()):
        source, out = folder / f"pages-{number}.pdf", folder / f"ocrmypdf-{number}.pdf"
        source.write_bytes(img2pdf.convert([str(page) for page in group]))
        subprocess.run([sys.executable, "-m", "ocrmypdf", "--jobs", str(CORES), "-l", languages, "--tesseract-pagesegmode",
                        str(psm), "--quiet", str(source), str(out)], check=True, env=tesseract_env())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--languages", default="eng+urd", help="the district's languages")
    parser.add_argument("--file-pages", type=int, default=8, help="pages per record file in the daftar inbox")
    parser.add_argument("--one-file", type=int, metavar="PAGES", help="one record file of PAGES pages: --pages and --file-pages both")
    args = parser.parse_args()
    if args.one_file:
        args.pages = args.file_pages = args.one_file
    with tempfile.TemporaryDirectory(prefix="daftar-bench-") as tmp:
        folder = Path(tmp)
        pages = generated_pages(args.pages, folder)
        run = daftar_run(pages, args.languages, args.file_pages, folder)
        choices, steps = daftar_choices(run.home)
        missing = [page.name for page in pages if page.name not in choices]
        if missing:
            sys.exit(f"daftar archived no page for {len(missing)} of the pages, e.g. {missing[0]}")
        limit, tesseract_cpu = fair_limit(pages, choices, folder)
        ocrmypdf_seconds = plain_ocrmypdf(pages, choices, folder)
    n = len(pages)
    used = sorted({choice for choice in choices.values()})
    print(f"{n} pages, district languages {args.languages}, {CORES} cores, {args.file_pages} pages per record file")
    print(f"languages and page segmentation per page, as daftar chose and the limit and OCRmyPDF used: "
          f"{', '.join(f'{lang} psm {psm}: {sum(1 for c in choices.values() if c == (lang, psm))}' for lang, psm in used)}")
    print(f"{'':28} {'seconds':>8} {'pages/min':>10} {'x limit':>8}")
    for name, seconds in (("fair tesseract limit", limit), ("plain ocrmypdf --jobs", ocrmypdf_seconds),
                          ("daftar run (whole batch)", run.seconds)):
        print(f"{name:28} {seconds:8.1f} {60 * n / seconds:10.1f} {limit / seconds:8.2f}")
    # The pool's Tesseracts were busy this share of the run's cores (steps' `ocr`: their wall seconds)
    print(f"daftar's Tesseracts busy {steps.get('ocr', 0.0) / (run.seconds * CORES):.0%} of its {CORES} cores x wall; "
          f"peak memory {run.peak_rss_kib / 1024:.0f} MiB (daftar and every process it started, together)")
    print_breakdown(n, run, tesseract_cpu, steps)


def print_breakdown(n: int, run: DaftarRun, tesseract_cpu: float, steps: dict[str, float]) -> None:
    """CPU-seconds per page: the programs daftar started against the limit's Tesseract, and
    daftar's own process by step (each step's thread CPU, from the records' timings)."""
    programs = run.cpu - run.own_cpu
    print("\nCPU-seconds per page")
    print(f"  {'tesseract alone (the limit)':44} {tesseract_cpu / n:6.2f}")
    print(f"  {'daftar run, every process':44} {run.cpu / n:6.2f}")
    print(f"    {'programs it started (Tesseract, Ghostscript,':42} {programs / n:6.2f}")
    print(f"    {'  the Prefect API server): beyond the limit':42} {(programs - tesseract_cpu) / n:6.2f}")
    print(f"    {'daftar itself (its own process)':42} {run.own_cpu / n:6.2f}")
    own_steps = {step: seconds for step, seconds in steps.items() if step != "ocr"}
    for step, seconds in sorted(own_steps.items(), key=lambda item: -item[1]):
        print(f"      {step:40} {seconds / n:6.2f}")
    rest = run.own_cpu - sum(own_steps.values())
    print(f"      {'the rest: reading scans, index, METS,':40} {rest / n:6.2f}")
    print(f"      {'  catalog, Prefect, start-up':40}")


if __name__ == "__main__":
    main()
