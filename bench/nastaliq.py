"""Urdu models on Nastaliq and Naskh: character and word error, and what each costs.

Side by side, on the same pixels, read as daftar reads a page of running Arabic-script text
(`--psm 6`, one Tesseract thread):
  urd           Debian's Urdu model (Naskh)
  Arabic        Debian's script/Arabic model
  urd_nastaliq  the project's model (models/, scripts/nastaliq/train.sh), as daftar finds it
on pages generated like the training pages (text2image, scan-like damage, 200-350 dpi) but from
other text and in fonts the model was not trained on (Awami Nastaliq; Nafees for Naskh), the
training font with other text (for comparison only), and the corpus's two real Nastaliq images
(ground truth transcribed for this bench: bench/nastaliq_truth/).

    .venv/bin/python bench/nastaliq.py            # 4 pages a font; about a minute on 2 idle cores
    .venv/bin/python bench/nastaliq.py --pages 1  # a quick look
    .venv/bin/python bench/nastaliq.py --candidate /tmp/out  # also a new run's model (train.sh's NASTALIQ_OUT)

Error rates as in bench/quality.py: edit distance over the truth's length after NFKC and
collapsing whitespace; lower is better.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "nastaliq"))

import record_text  # noqa: E402  (scripts/nastaliq: the recipe's own text and rendering)
import render  # noqa: E402

from bench.quality import error_rates  # noqa: E402
from pipeline import tessdata, urdu_model  # noqa: E402
from pipeline.tesseract import tesseract_env  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "text" / "urdu"
TRUTH = ROOT / "bench" / "nastaliq_truth"
MODELS = ("urd", "Arabic", urdu_model.NASTALIQ_MODEL)
FONT_SETS = {
    "Nastaliq, unseen font (Awami)": "Awami Nastaliq",
    "Naskh, unseen font (Nafees)": "Nafees",
    "Nastaliq, training font (Noto)": "Noto Nastaliq Urdu",
}


@dataclass(frozen=True)
class Page:
    image: np.ndarray
    truth: str
    dpi: int


def urdu_text_parts(work: Path) -> tuple[set[str], list[str]]:
    """The characters and words of Debian's urd, as the recipe takes them."""
    system = tessdata.system_tessdata()
    if system is None:
        raise SystemExit("Tesseract is not installed")
    base = work / "urd"
    subprocess.run(["combine_tessdata", "-u", str(system / "urd.traineddata"), str(base)], check=True, capture_output=True)
    subprocess.run(["dawg2wordlist", f"{base}.lstm-unicharset", f"{base}.lstm-word-dawg", f"{base}.words"],
                   check=True, capture_output=True)
    allowed = record_text.unicharset_characters(Path(f"{base}.lstm-unicharset"))
    words = [word for word in Path(f"{base}.words").read_text(encoding="utf-8").split() if set(word) <= allowed]
    return allowed, words


def generated_pages(font: str, count: int, seed: int, work: Path, parts: tuple[set[str], list[str]]) -> list[Page]:
    """Pages of record-room Urdu (text seeds the training never used) in one font."""
    allowed, words = parts
    lines = record_text.lines(12 * count, seed, words, allowed)
    rng = random.Random(seed)
    pages = []
    for n in range(count):
        job = render.PageJob(f"bench-{seed}-{n}", lines[12 * n:12 * n + 12], font, rng.choice(render.RESOLUTIONS),
                             rng.choice(render.POINT_SIZES), seed * 7919 + n)
        tif = render.render(job, work, lstmf=False)
        if tif is None:
            raise SystemExit(f"could not render a page in {font}")
        truth = (work / f"{job.name}.gt.txt").read_text(encoding="utf-8")
        pages.append(Page(cv2.imread(str(tif), cv2.IMREAD_GRAYSCALE), truth, job.resolution))
    return pages


def corpus_pages() -> list[Page]:
    pages = []
    for truth in sorted(TRUTH.glob("*.txt")):
        image = next(CORPUS.glob(truth.stem + ".*[gG]"), None)
        if image is not None:
            pages.append(Page(cv2.imread(str(image), cv2.IMREAD_GRAYSCALE), truth.read_text(encoding="utf-8"), 150))
    return pages


def read(page: Page, model: str, work: Path, models: Path = tessdata.SHIPPED_MODELS) -> tuple[str, float]:
    """Tesseract's text of a page and the CPU seconds it took; a model of ours is taken from `models`."""
    png = work / "page.png"
    cv2.imwrite(str(png), page.image)
    folder = tessdata.tessdata_dir((model,), models)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = subprocess.run(["tesseract", *(["--tessdata-dir", str(folder)] if folder else []), str(png), "-", "-l", model,
                           "--psm", "6", "--dpi", str(page.dpi)],
                          capture_output=True, text=True, env=tesseract_env(), timeout=600).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return text, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def columns(candidate: Path | None) -> dict[str, tuple[str, Path]]:
    """The table's columns: a model, and the folder our models are taken from."""
    shipped = {model: (model, tessdata.SHIPPED_MODELS) for model in MODELS}
    return shipped | ({"candidate": (urdu_model.NASTALIQ_MODEL, candidate)} if candidate else {})


def table(sets: dict[str, list[Page]], work: Path, models: dict[str, tuple[str, Path]]) -> None:
    print(f"{'pages':34} {'n':>2} " + " ".join(f"{name:>22}" for name in models))
    for label, pages in sets.items():
        cells = []
        for model, folder in models.values():
            rates, seconds = [], 0.0
            for page in pages:
                text, cpu = read(page, model, work, folder)
                rates.append(error_rates(page.truth, text))
                seconds += cpu
            cer, wer = (float(np.mean([rate[i] for rate in rates])) for i in (0, 1))
            cells.append(f"{100 * cer:5.1f}%/{100 * wer:3.0f}% {seconds / len(pages):4.1f}s")
        print(f"{label:34} {len(pages):>2} " + " ".join(f"{cell:>22}" for cell in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=4, help="generated pages per font")
    parser.add_argument("--candidate", type=Path, help=f"a folder with another {urdu_model.NASTALIQ_MODEL}.traineddata, measured beside the shipped one")
    args = parser.parse_args(argv)
    if urdu_model.NASTALIQ_MODEL not in tessdata.shipped_models():
        raise SystemExit(f"no {urdu_model.NASTALIQ_MODEL} in {tessdata.SHIPPED_MODELS}: run scripts/nastaliq/train.sh")
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory(prefix="daftar-nastaliq-") as tmp:
        work = Path(tmp)
        parts = urdu_text_parts(work)
        sets = {label: generated_pages(font, args.pages, 31 + n, work, parts) for n, (label, font) in enumerate(FONT_SETS.items())}
        sets["real Nastaliq (corpus images)"] = corpus_pages()
        print(f"CER/WER and CPU seconds a page, --psm 6, one thread; {args.pages} generated pages a font\n")
        table(sets, work, columns(args.candidate))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
