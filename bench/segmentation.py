"""Which Tesseract page segmentation and which models read a page best, by kind of page:
numbers on Hindi and Urdu pages (every digit kept?), a ruled register, and the corpus's
magazine and two-column pages (words and headlines kept against plain Tesseract, psm 3).

    .venv/bin/python bench/segmentation.py

Digits: generated lines of revenue-record Hindi and Urdu with years and khasra numbers, in
ASCII and in the script's own digits; the share of the numbers read with every digit right.
Then Urdu digits on pages made like the Nastaliq model's test pages (scripts/nastaliq/render.py,
record-room lines, scan damage) in two fonts its training never saw, one Naskh (Nafees) and one
Nastaliq (Awami): numbers kept, character error and CPU seconds a page, read as daftar reads an
Urdu page (`--psm 6`), with Debian's `urd` and with the model daftar reads it with (`urd_nastaliq`),
and on the corpus's real Nastaliq image that has numbers.

    .venv/bin/python bench/segmentation.py --urdu-digits 3   # only that table, 3 pages a font
    .venv/bin/python bench/segmentation.py --urdu-digits 3 --candidate /tmp/out   # and a new run's model
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
from PIL import ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.deskew import PAPER, blank_canvas, draw_lines, font, table_page  # noqa: E402
from bench.quality import CORPUS, error_rates, tesseract  # noqa: E402
from pipeline import urdu_model  # noqa: E402
from pipeline.tessdata import tessdata_dir  # noqa: E402

SEGMENTATIONS = (3, 4, 6)
NUMBER_LINES = {
    "hin": ["खसरा नंबर {a} का रकबा {b} कनाल है", "वर्ष {y} की जमाबंदी में प्रविष्टि {a} दर्ज है", "इंतकाल संख्या {b} दिनांक {d}.{m}.{y} को तस्दीक हुआ"],
    "urd": ["خسرہ نمبر {a} کا رقبہ {b} کنال ہے", "سال {y} کی جمع بندی میں اندراج {a} درج ہے", "انتقال نمبر {b} مورخہ {d}.{m}.{y} کو تصدیق ہوا"],
}
OWN_DIGITS = {"hin": "०१२३४५६७८९", "urd": "۰۱۲۳۴۵۶۷۸۹"}
MODELS = {"hin": ["hin", "hin+eng", "Devanagari"], "urd": ["urd", "urd+eng", "Arabic", urdu_model.NASTALIQ_MODEL]}
DIGIT_FONTS = {"Naskh, unseen (Nafees)": "Nafees", "Nastaliq, unseen (Awami)": "Awami Nastaliq"}


def number_page(language: str, own_digits: bool, seed: int) -> tuple[np.ndarray, list[str]]:
    """A page of short lines with numbers; the numbers as ASCII digit strings."""
    rng = np.random.default_rng(seed)
    canvas = blank_canvas(300, PAPER)
    lines, numbers = [], []
    for index in range(14):
        values = {"a": str(rng.integers(10, 999)), "b": str(rng.integers(100, 9999)), "y": str(rng.integers(1950, 2024)),
                  "d": str(rng.integers(10, 28)), "m": str(rng.integers(10, 12))}
        line = NUMBER_LINES[language][index % 3].format(**values)
        numbers += re.findall(r"\d+", line)
        if own_digits:
            line = line.translate(str.maketrans("0123456789", OWN_DIGITS[language]))
        lines.append(line)
    typeface = font(language, 50)
    draw_lines(ImageDraw.Draw(canvas), lines, language, typeface, 300, canvas.width - 300, 300, 110, 25)
    return np.asarray(canvas), numbers


def numbers_kept(found: str, numbers: list[str]) -> float:
    """Share of the numbers read whole (any script's digits counted as their ASCII value)."""
    ascii_text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in found)
    read = re.findall(r"\d+", ascii_text)
    left = list(read)
    kept = 0
    for number in numbers:
        if number in left:
            left.remove(number)
            kept += 1
    return kept / max(1, len(numbers))


def print_digit_table() -> None:
    print("numbers read with every digit (share), by segmentation and model")
    print(f"  {'page':22} {'model':12} " + " ".join(f"psm {psm:>2}" for psm in SEGMENTATIONS))
    for language in ("hin", "urd"):
        for own in (False, True):
            image, numbers = number_page(language, own, seed=7)
            for model in MODELS[language]:
                folder = tessdata_dir(tuple(model.split("+")))
                cells = [numbers_kept(tesseract(image, 300, model, folder, psm=psm), numbers) for psm in SEGMENTATIONS]
                label = f"{language} {'own digits' if own else 'ASCII digits'}"
                print(f"  {label:22} {model:12} " + " ".join(f"{100 * cell:5.0f}%" for cell in cells), flush=True)


def print_layout_table() -> None:
    print("\nlayout: CER (where there is ground truth) and words read, by segmentation")
    register = table_page(300, seed=5)
    pages = [("register", register.image, register.text)]
    for name in ("scans/leptonica/pageseg2.tif", "scans/ocrmypdf/linn.png", "scans/ocrmypdf/c02-22.pdf"):
        if (CORPUS / name).exists():
            from pipeline.pages import iter_pages

            truth = (CORPUS / "scans/ocrmypdf/linn.txt").read_text(encoding="utf-8") if "linn" in name else None
            pages.append((Path(name).name, next(iter_pages(CORPUS / name, 300)).image, truth))
    for name, image, truth in pages:
        cells = []
        for psm in SEGMENTATIONS:
            text = tesseract(image, 300, "eng", psm=psm)
            cer = f"{100 * error_rates(truth, text)[0]:5.1f}%" if truth else "    -"
            cells.append(f"psm {psm}: {cer} {len(text.split()):4d} words")
        print(f"  {name:14} " + "   ".join(cells), flush=True)


def print_urdu_digit_table(pages: int, candidate: Path | None = None) -> None:
    from bench import nastaliq  # the Nastaliq bench's pages and reading: the recipe's text and rendering

    print(f"\nUrdu digits ({pages} recipe pages a font, --psm 6): numbers kept, CER, CPU s a page")
    models = {name: column for name, column in nastaliq.columns(candidate).items() if name != "Arabic"}
    print(f"  {'pages':30} " + " ".join(f"{name:>22}" for name in models))
    with tempfile.TemporaryDirectory(prefix="daftar-digits-") as tmp:
        work = Path(tmp)
        parts = nastaliq.urdu_text_parts(work)
        sets = {label: nastaliq.generated_pages(font_name, pages, 61 + n, work, parts) for n, (label, font_name) in enumerate(DIGIT_FONTS.items())}
        sets["real Nastaliq (corpus image)"] = [page for page in nastaliq.corpus_pages() if urdu_numbers(page.truth)]
        for label, made in sets.items():
            cells = []
            for model, folder in models.values():
                kept, errors, seconds = [], [], 0.0
                for page in made:
                    text, cpu = nastaliq.read(page, model, work, folder)
                    kept.append(numbers_kept(text, urdu_numbers(page.truth)))
                    errors.append(error_rates(page.truth, text)[0])
                    seconds += cpu
                cells.append(f"{100 * np.mean(kept):4.0f}% {100 * np.mean(errors):5.1f}% {seconds / len(made):4.1f}s")
            print(f"  {label:30} " + " ".join(f"{cell:>22}" for cell in cells), flush=True)


def urdu_numbers(text: str) -> list[str]:
    """The numbers a text writes in Urdu digits, as ASCII digit strings."""
    return [run.translate(str.maketrans(OWN_DIGITS["urd"], "0123456789")) for run in re.findall(f"[{OWN_DIGITS['urd']}]+", text)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urdu-digits", type=int, metavar="PAGES", help="only the Urdu digits table, this many pages a font")
    parser.add_argument("--candidate", type=Path, help="a folder with a new run's urd_nastaliq, measured beside the shipped one")
    args = parser.parse_args()
    if args.urdu_digits:
        print_urdu_digit_table(args.urdu_digits, args.candidate)
    else:
        print_digit_table()
        print_urdu_digit_table(3)
        print_layout_table()
