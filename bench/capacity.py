"""CPU-seconds per page by kind of page, and what they mean for a district and the state: the
figures behind docs/capacity.md.

    .venv/bin/python bench/capacity.py [--pages 16] [--file-pages 8] [--languages eng+urd+hin]

Each kind gets its own `daftar run` (cleaning, barcodes, OCR, PDF/A, checks, METS, index and
Prefect: everything a night does) on an inbox of only that kind, in a district that reads
`--languages` (a J&K district reads all three scripts; daftar's script detection picks each page's):

  typed English, typed Urdu (Naskh), typed Hindi   JPEG pages at 300 dpi, a folder per record file
  bilevel                                          the English pages as one Group 4 TIFF per record file
  born-digital                                     one PDF with its own text layer per record file

CPU is every process the run started (Tesseract, Ghostscript, Python), measured with getrusage,
so it does not depend on how busy the machine is as wall time does; an empty inbox's run is
measured too and taken off, leaving what each page costs. The plan then divides a workload by a
deadline: cores = pages x CPU-seconds per page / (nights x hours a night x 3600 x utilisation).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

import img2pdf
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import make_sample_scans as samples  # noqa: E402

from bench.throughput import CORES, daftar_run_inbox  # noqa: E402

KINDS = ("typed English", "typed Urdu", "typed Hindi", "bilevel", "born-digital")
TEXTS = {"eng": "ENGLISH_", "urd": "URDU_", "hin": "HINDI_"}
UTILISATION = 0.85  # of a core's night: start-ups, waits on disk and the index, a stack that ends the night alone


def page_texts(language: str) -> list[list]:
    return [getattr(samples, name) for name in sorted(dir(samples)) if name.startswith(TEXTS[language])]


def typed_pages(language: str, count: int) -> list[Image.Image]:
    documents = page_texts(language)
    return [samples.typed_page(f"capacity-{language}-{n}", [block for k in range(3) for block in documents[(n + k) % len(documents)]],
                               language=language, dpi=300).image for n in range(count)]


def write_kind(kind: str, batch: Path, count: int, file_pages: int) -> None:
    """`count` pages of one kind in the batch folder, `file_pages` to a record file."""
    batch.mkdir(parents=True)
    files = range(0, count, file_pages)
    if kind == "born-digital":
        documents = page_texts("eng")
        for first in files:
            pages = [documents[(first + n) % len(documents)] for n in range(min(file_pages, count - first))]
            samples.write_born_digital_pdf(batch, f"file-{first:04d}.pdf", pages, f"Born-digital file {first}")
        return
    language = {"typed Urdu": "urd", "typed Hindi": "hin"}.get(kind, "eng")
    images = typed_pages(language, count)
    for first in files:
        group = images[first:first + file_pages]
        if kind == "bilevel":
            frames = [samples.bilevel(image) for image in group]
            frames[0].save(batch / f"file-{first:04d}.tif", "TIFF", save_all=True, append_images=frames[1:],
                           compression="group4", dpi=(300, 300))
            continue
        folder = batch / f"file-{first:04d}"
        folder.mkdir()
        for n, image in enumerate(group):
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85, dpi=(300, 300))
            (folder / f"page-{n:03d}.jpg").write_bytes(buffer.getvalue())


def measure(kind: str | None, pages: int, file_pages: int, languages: str, folder: Path) -> float:
    """CPU-seconds of one `daftar run` over `pages` pages of `kind` (None: an empty inbox)."""
    inbox = folder / "inbox"
    batch = inbox / "capacitydistrict" / "capacitytehsil" / "night-1"
    if kind is None:
        batch.mkdir(parents=True)
    else:
        write_kind(kind, batch, pages, file_pages)
    return daftar_run_inbox(inbox, languages, folder).cpu


def plan(per_page: dict[str, float], mix: dict[str, float]) -> None:
    """Cores and machines for a district and for the state, from the measured CPU-seconds."""
    mixed = sum(per_page[kind] * share for kind, share in mix.items())
    print(f"\nmix {', '.join(f'{share:.0%} {kind}' for kind, share in mix.items())}: {mixed:.2f} CPU-s per page")
    print(f"utilisation assumed {UTILISATION:.0%}; machines of 16 cores")
    print(f"  {'workload':44} {'pages':>12} {'deadline':>18} {'cores':>7} {'machines':>9}")
    workloads = [("a tehsil: 40,000 files x 25 pages", 1_000_000, 150, 10),
                 ("a district of 8 tehsils", 8_000_000, 150, 10),
                 ("a district of 8 tehsils, nights and days", 8_000_000, 150, 24),
                 ("J&K: 207 tehsils", 207_000_000, 365, 10),
                 ("J&K: 207 tehsils, nights and days", 207_000_000, 365, 24)]
    for name, pages, days, hours in workloads:
        cores = pages * mixed / (days * hours * 3600 * UTILISATION)
        print(f"  {name:44} {pages:12,} {f'{days} d x {hours} h':>18} {cores:7.2f} {max(1, -(-cores // 16)):9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=16, help="pages of each kind")
    parser.add_argument("--file-pages", type=int, default=8, help="pages per record file")
    parser.add_argument("--languages", default="eng+urd+hin", help="the district's languages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daftar-capacity-") as tmp:
        empty = measure(None, 0, args.file_pages, args.languages, Path(tmp) / "empty")
        print(f"{CORES} cores, district languages {args.languages}, {args.pages} pages of each kind, "
              f"{args.file_pages} to a record file")
        print(f"a run's fixed cost (empty inbox: start-up, Prefect, the report): {empty:.1f} CPU-s\n")
        print(f"  {'kind':16} {'CPU-s per page':>15}")
        per_page = {}
        for kind in KINDS:
            total = measure(kind, args.pages, args.file_pages, args.languages, Path(tmp) / kind.replace(" ", "-"))
            per_page[kind] = (total - empty) / args.pages
            print(f"  {kind:16} {per_page[kind]:15.2f}", flush=True)
    plan(per_page, {"typed English": 0.4, "typed Urdu": 0.3, "typed Hindi": 0.05, "bilevel": 0.2, "born-digital": 0.05})


if __name__ == "__main__":
    main()
