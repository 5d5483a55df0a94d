"""OCR quality with and without page cleaning, per script and damage, on pages with known text.

Compares, on the same pixels:
  none      Tesseract on the page as scanned
  daftar    pipeline.preprocess.clean_page, then Tesseract
  ocrmypdf  `ocrmypdf --deskew --clean --rotate-pages` (its sidecar text)
on generated pages (English, Urdu Naskh, Hindi; clean, skewed, rotated, noisy, low-contrast,
and 10 pt text at 150/200/300 dpi) and on the corpus pages that have ground truth (the linn.png
family from OCRmyPDF's tests, the Hindi and Sanskrit pages). Every method reads a page with the
same languages, so the table compares cleaning only. Then two smaller tables: the languages to
read a page of each script with (the rule in `languages_for_page`), and every Arabic-script model
installed (plus any given with --tessdata) on Naskh and Nastaliq pages.

    .venv/bin/python bench/quality.py --quick          # a few minutes on 2 cores
    .venv/bin/python bench/quality.py --tessdata js-best=/path/to/dir   # more Urdu/Arabic models
    .venv/bin/python bench/quality.py --never-worse    # every page: daftar against the page as it came

Character error rate (CER) and word error rate (WER) are edit distances over the ground truth's
length, after Unicode NFKC and collapsing whitespace; lower is better, 1.0 is nothing right.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import never_worse  # noqa: E402
from bench.deskew import (  # noqa: E402
    GeneratedPage,
    add_bleed_through,
    add_noise,
    low_contrast,
    skew_page,
    text_page,
    turn_page,
)
from domain.config import CleaningSettings  # noqa: E402
from pipeline.preprocess import clean_page, languages_for_page  # noqa: E402
from pipeline.tessdata import SHIPPED_MODELS  # noqa: E402
from pipeline.tesseract import tesseract_env  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SYSTEM_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
LANGUAGE = {"eng": "eng", "urd": "urd", "hin": "hin", "urd-nastaliq": "urd"}
SCRIPT_NAME = {"eng": "eng", "urd": "urd", "hin": "hin", "urd-nastaliq": "urd-nastaliq"}
METHODS = ("none", "daftar", "ocrmypdf")
CATEGORIES = ("clean", "skewed", "rotated", "noisy", "low-contrast", "150dpi", "200dpi", "300dpi")


# --- error rates -----------------------------------------------------------------------------


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def edit_distance(a: list | str, b: list | str) -> int:
    """Levenshtein distance, one row at a time, vectorised over `b`: an insertion chain along
    a row is a running minimum of (cost - position)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    vocabulary: dict = {}
    a_codes = np.array([vocabulary.setdefault(x, len(vocabulary)) for x in a])
    b_codes = np.array([vocabulary.setdefault(x, len(vocabulary)) for x in b])
    positions = np.arange(len(b) + 1)
    row = positions.copy()
    for i, code in enumerate(a_codes, start=1):
        substitute = row[:-1] + (b_codes != code)
        best = np.empty_like(row)
        best[0] = i
        best[1:] = np.minimum(row[1:] + 1, substitute)
        row = np.minimum.accumulate(best - positions) + positions
    return int(row[-1])


def error_rates(truth: str, found: str) -> tuple[float, float]:
    truth, found = normalize(truth), normalize(found)
    cer = edit_distance(truth, found) / max(1, len(truth))
    words = truth.split()
    wer = edit_distance(words, found.split()) / max(1, len(words))
    return min(cer, 1.0), min(wer, 1.0)


# --- reading a page --------------------------------------------------------------------------


def tesseract(image: np.ndarray, dpi: int, languages: str, tessdata: Path | None = None, psm: int = 3) -> str:
    with tempfile.TemporaryDirectory(prefix="daftar-q-") as tmp:
        png = Path(tmp) / "page.png"
        cv2.imwrite(str(png), image)
        command = ["tesseract", str(png), "-", "-l", languages, "--dpi", str(dpi), "--psm", str(psm)]
        if tessdata:
            command[1:1] = ["--tessdata-dir", str(tessdata)]
        return subprocess.run(command, capture_output=True, text=True, env=tesseract_env(), timeout=600).stdout


def ocrmypdf_text(image: np.ndarray, dpi: int, languages: str) -> str:
    with tempfile.TemporaryDirectory(prefix="daftar-q-") as tmp:
        png, out, sidecar = Path(tmp) / "page.png", Path(tmp) / "out.pdf", Path(tmp) / "out.txt"
        cv2.imwrite(str(png), image)
        result = subprocess.run(
            [sys.executable, "-m", "ocrmypdf", "--image-dpi", str(dpi), "--deskew", "--clean", "--rotate-pages", "-l", languages,
             "--sidecar", str(sidecar), "--output-type", "pdf", "-j", "1", "-q", str(png), str(out)],
            capture_output=True, text=True, env=tesseract_env(), timeout=900,
        )
        if result.returncode != 0 or not sidecar.exists():
            return ""
        return sidecar.read_text(encoding="utf-8")


def read_page(method: str, image: np.ndarray, dpi: int, languages: str) -> str:
    if method == "none":
        return tesseract(image, dpi, languages)
    if method == "daftar":
        return tesseract(clean_page(image, dpi, CleaningSettings(), languages.split("+")).image, dpi, languages)
    return ocrmypdf_text(image, dpi, languages)


# --- the pages -------------------------------------------------------------------------------


@dataclass
class Case:
    source: str  # "generated" or a corpus file name
    script: str  # eng, urd, hin
    category: str
    image: np.ndarray
    dpi: int
    truth: str


def generated_cases(quick: bool) -> list[Case]:
    """Each script in each category; a dozen lines a page with --quick, full pages otherwise."""
    lines = 12 if quick else None
    seeds = [21] if quick else [21, 22]
    cases = []
    for language in ("eng", "urd", "hin"):
        for seed in seeds:
            def page(dpi: int = 300, size: float = 12.0) -> GeneratedPage:
                return text_page(language, dpi, seed=seed, lines=lines, size_pt=size)

            clean = page()
            back = text_page(["eng", "urd", "hin"][seed % 3], 300, seed=seed + 50)
            made = {
                "clean": clean,
                "skewed": skew_page(clean, 6.5 if seed % 2 else -4.0),
                "rotated": turn_page(clean, 180 if seed % 2 else 90),
                "noisy": add_noise(add_bleed_through(clean, back, 0.25), seed=seed, specks=1500, sigma=18),
                "low-contrast": low_contrast(clean),
            }
            for dpi in (150, 200, 300):
                made[f"{dpi}dpi"] = page(dpi, 10.0)
            for category, generated in made.items():
                cases.append(Case("generated", language, category, generated.image, generated.dpi, generated.text))
    return cases


def corpus_cases() -> list[Case]:
    """Corpus pages with ground truth: the linn.png family (English) and Devanagari pages."""
    from pipeline.pages import iter_pages

    if not CORPUS.exists():
        return []
    cases = []
    linn = (CORPUS / "scans/ocrmypdf/linn.txt").read_text(encoding="utf-8")
    family = [("linn.png", "clean"), ("skew.pdf", "skewed"), ("rotated_skew.pdf", "skewed"), ("cardinal.pdf", "rotated")]
    for name, category in family:
        for page in iter_pages(CORPUS / "scans/ocrmypdf" / name, 300):
            if name == "cardinal.pdf" and page.index == 0:
                category_here = "clean"
            else:
                category_here = category
            cases.append(Case(f"{name}#{page.index + 1}", "eng", category_here, page.image, page.dpi, linn))
    for image, truth in [("text/hindi/imageshin__hin-mangal.png", "text/hindi/imageshin__hin-mangal.gt.txt"),
                         ("text/hindi/imageshin__hin001.png", "text/hindi/imageshin__hin001.gt.txt"),
                         ("text/devanagari_sanskrit/imagessan__p001.png", "text/devanagari_sanskrit/imagessan__p001.gt.txt")]:
        page = next(iter_pages(CORPUS / image, 300))
        cases.append(Case(Path(image).name, "hin", "clean", page.image, page.dpi, (CORPUS / truth).read_text(encoding="utf-8")))
    return cases


def measure(case: Case) -> dict:
    row = {"source": case.source, "script": case.script, "category": case.category}
    for method in METHODS:
        started = time.perf_counter()
        text = read_page(method, case.image, case.dpi, LANGUAGE[case.script])
        row[method] = error_rates(case.truth, text)
        row[f"{method}_s"] = time.perf_counter() - started
    return row


# --- tables ----------------------------------------------------------------------------------


def print_quality_table(rows: list[dict]) -> None:
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for row in rows:
        origin = "generated" if row["source"] == "generated" else "corpus"
        groups.setdefault((origin, row["script"], row["category"]), []).append(row)
        groups.setdefault((origin, "all", row["category"]), []).append(row)
        groups.setdefault(("all", "all", "all"), []).append(row)
    order = {category: index for index, category in enumerate(CATEGORIES + ("all",))}
    header = f"{'pages':8} {'script':6} {'category':13} {'n':>2}  " + "  ".join(f"{m + ' CER':>12} {'WER':>5}" for m in METHODS)
    print(header)
    print("-" * len(header))
    for key in sorted(groups, key=lambda k: (k[0] == "all", k[0], k[1] == "all", k[1], order[k[2]])):
        members = groups[key]
        cells = []
        for method in METHODS:
            cer = statistics.mean(r[method][0] for r in members)
            wer = statistics.mean(r[method][1] for r in members)
            cells.append(f"{100 * cer:11.1f}% {100 * wer:4.0f}%")
        print(f"{key[0]:8} {key[1]:6} {key[2]:13} {len(members):2d}  " + "  ".join(cells))
    seconds = {m: statistics.mean(r[f"{m}_s"] for r in rows) for m in METHODS}
    print("mean seconds a page: " + ", ".join(f"{m} {s:.1f}" for m, s in seconds.items()))


def languages_table(quick: bool) -> None:
    """Is a page better read with its own language alone, or with the tehsil's pair?"""
    lines = 12 if quick else None
    print("\nlanguages for a page (CER / WER, clean generated page)")
    trials = {"eng": ["eng", "eng+urd", "urd+eng", "eng+hin"], "urd": ["urd", "urd+eng", "eng+urd"], "hin": ["hin", "hin+eng", "eng+hin"]}
    for language, options in trials.items():
        page = text_page(language, 300, seed=31, lines=lines)
        cells = []
        for languages in options:
            cer, wer = error_rates(page.text, tesseract(page.image, 300, languages))
            cells.append(f"{languages} {100 * cer:.1f}%/{100 * wer:.0f}%")
        rule = "+".join(languages_for_page({"eng": "Latin", "urd": "Arabic", "hin": "Devanagari"}[language], ["urd", "eng"]))
        print(f"  {language} page: " + ", ".join(cells) + f"   (rule in an urd+eng tehsil: {rule})")


def model_dirs(extra: list[str]) -> list[tuple[str, Path | None, list[str]]]:
    """(label, tessdata dir or None for the system's, models) to try on Arabic-script pages.
    An extra dir is laid over the system's in a temporary folder, so eng still combines."""
    system = [name for name in ("urd", "ara", "Arabic") if (SYSTEM_TESSDATA / f"{name}.traineddata").exists()]
    combos = [name for name in system] + [f"{name}+eng" for name in system if name != "Arabic"]
    if "urd" in system and "Arabic" in system:
        combos.append("urd+Arabic")
    dirs: list[tuple[str, Path | None, list[str]]] = [("debian", None, combos)]
    for item in extra:
        label, _, folder = item.partition("=")
        overlay = Path(tempfile.mkdtemp(prefix="daftar-tessdata-"))
        for path in SYSTEM_TESSDATA.iterdir():
            (overlay / path.name).symlink_to(path)
        found = []
        for model in Path(folder).glob("*.traineddata"):
            (overlay / model.name).unlink(missing_ok=True)
            (overlay / model.name).symlink_to(model.resolve())
            found.append(model.stem)
        dirs.append((label, overlay, sorted(found) + [f"{name}+eng" for name in sorted(found) if name != "eng"]))
    return dirs


def arabic_models_table(quick: bool, extra: list[str]) -> None:
    lines = 12 if quick else None
    pages = {"Naskh": text_page("urd", 300, seed=41, lines=lines), "Nastaliq": text_page("urd-nastaliq", 300, seed=41, lines=lines)}
    print("\nArabic-script models on generated Urdu pages (CER / WER)")
    print(f"  {'tessdata':10} {'model':12} " + " ".join(f"{name:>14}" for name in pages))
    for label, folder, models in model_dirs(extra):
        for model in models:
            cells = []
            for page in pages.values():
                cer, wer = error_rates(page.text, tesseract(page.image, 300, model, folder))
                cells.append(f"{100 * cer:6.1f}%/{100 * wer:4.0f}%")
            print(f"  {label:10} {model:12} " + " ".join(f"{cell:>14}" for cell in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a dozen lines a page, one page per case")
    parser.add_argument("--jobs", type=int, default=1, help="pages read at once (one Tesseract each)")
    parser.add_argument("--tessdata", action="append", default=[], metavar="LABEL=DIR", help="more urd/ara models to compare")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--never-worse", action="store_true", help="only the never-worse table (bench/never_worse.py)")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    pages = never_worse.damaged_pages(args.quick) + ([] if args.skip_corpus else never_worse.corpus_pages())
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        never_worse.print_never_worse_table(list(pool.map(never_worse.measure, pages)))
    if args.never_worse:
        return 0
    cases = generated_cases(args.quick) + ([] if args.skip_corpus else corpus_cases())
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(measure, cases))
    print(f"OCR error rates, {len(rows)} pages, {time.perf_counter() - started:.0f} s; languages: eng/urd/hin by the page's script\n")
    print_quality_table(rows)
    languages_table(args.quick)
    # with the models daftar ships (urd_nastaliq; bench/nastaliq.py reads it on fonts it was not trained on)
    arabic_models_table(args.quick, [f"daftar={SHIPPED_MODELS}", *args.tessdata])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
