"""Barcode decoder bench: pyzbar alone, zxing-cpp alone, both (union), and daftar's default
(`extractors.barcodes.read_barcodes`), on the corpus barcode images and on generated cover pages.

    .venv/bin/python bench/barcodes.py                 # corpus + 72 generated covers + 12 text pages
    .venv/bin/python bench/barcodes.py --quick         # corpus + 24 generated covers + 6 text pages
    .venv/bin/python bench/barcodes.py --corpus DIR    # another corpus folder

Per method and symbology: read (the expected value among those reported), wrong (any other
value reported), missed; negatives: images where anything at all was reported; and the CPU time
per image. The default must read the most with no wrong value.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.file_numbers import Condition, make_cover_page, random_file_number  # noqa: E402
from extractors.barcodes import read_barcodes, read_with_pyzbar, read_with_zxing  # noqa: E402
from domain.model import Barcode  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
DISTRACTOR = "004518870023"  # the old label bench covers sometimes carry


def read_with_both(image: np.ndarray) -> list[Barcode]:
    """The naive combination: everything either decoder reports."""
    return read_with_zxing(image) + read_with_pyzbar(image)


METHODS: dict[str, Callable[[np.ndarray], list[Barcode]]] = {
    "pyzbar": read_with_pyzbar,
    "zxing-cpp": read_with_zxing,
    "both (union)": read_with_both,
    "daftar default": read_barcodes,
}


@dataclass(frozen=True)
class Case:
    """One image and what must be read from it. `expected` None: a negative, nothing may be."""

    name: str
    symbology: str
    expected: str | None
    also_allowed: frozenset[str] = frozenset()
    path: Path | None = None
    image: np.ndarray | None = None

    def load(self) -> np.ndarray:
        if self.image is not None:
            return self.image
        assert self.path is not None
        with Image.open(self.path) as image:
            return np.asarray(image.convert("L"))


def corpus_cases(corpus: Path = CORPUS) -> list[Case]:
    """The corpus barcode images with their expected values, read in binary: some hold CRLF."""
    cases = []
    with open(corpus / "MANIFEST.csv", newline="", encoding="utf-8") as manifest:
        for row in csv.DictReader(manifest):
            if row["kind"] != "barcode_image":
                continue
            path = corpus / row["path"]
            symbology = row["notes"].split(";")[0].removeprefix("symbology=").strip()
            expected_file = path.with_name(path.name.rsplit(".", 1)[0] + ".expected.txt")
            expected = expected_file.read_bytes().decode("utf-8") if symbology != "negative" else None
            cases.append(Case(name=path.name, symbology=symbology, expected=expected, path=path))
    return cases


def generated_cases(count: int, seed: int = 7) -> list[Case]:
    """Cover pages with a label in each of the four symbologies, at 150/200/300 dpi, rotated
    up to 10 degrees, blurred, noised, faded, JPEG'd (see bench/file_numbers.py)."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        symbology = ["code128", "code39", "qrcode", "datamatrix"][index % 4]
        condition = Condition(
            symbology=symbology,
            dpi=[150, 200, 300][(index // 4) % 3],
            angle=round(rng.uniform(-10, 10), 2),
            blur_mm=rng.choice([0.0, 0.05, 0.1, 0.15]),
            noise=rng.choice([0.0, 4.0, 8.0, 14.0]),
            low_contrast=rng.random() < 0.3,
            jpeg_quality=rng.choice([0, 75, 90]),
            distractor=rng.random() < 0.3,
        )
        printed, _ = random_file_number(rng)
        page = make_cover_page(printed, condition, seed=seed * 1000 + index, distractor_value=DISTRACTOR)
        cases.append(Case(name=f"cover-{index}", symbology=symbology, expected=printed, also_allowed=frozenset({DISTRACTOR}), image=page))
    return cases


def text_page_cases(count: int, seed: int = 11) -> list[Case]:
    """A4 pages of typed text without any barcode: what most pages of a batch look like."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        condition = Condition("code128", [300, 200, 150][index % 3], round(rng.uniform(-5, 5), 2), 0.05, rng.choice([0.0, 4.0, 8.0, 14.0]), False, 90, False)
        cases.append(Case(name=f"text-{index}", symbology="text page", expected=None, image=make_cover_page(None, condition, seed=seed * 1000 + index)))
    return cases


@dataclass
class Score:
    images: int = 0
    read: int = 0
    wrong: int = 0
    missed: int = 0
    false_positive: int = 0  # negatives with anything reported
    cpu_seconds: float = 0.0

    def add(self, case: Case, barcodes: list[Barcode], seconds: float) -> None:
        values = [barcode.value for barcode in barcodes]
        self.images += 1
        self.cpu_seconds += seconds
        if case.expected is None:
            self.false_positive += bool(values)
            return
        found = case.expected in values
        self.read += found
        self.missed += not found
        self.wrong += any(value != case.expected and value not in case.also_allowed for value in values)


def score(cases: list[Case], methods: dict[str, Callable[[np.ndarray], list[Barcode]]] = METHODS) -> dict[str, dict[str, Score]]:
    """method -> symbology (and "total") -> Score."""
    table: dict[str, dict[str, Score]] = {name: defaultdict(Score) for name in methods}
    for case in cases:
        image = case.load()
        for name, method in methods.items():
            start = time.process_time()
            barcodes = method(image)
            seconds = time.process_time() - start
            table[name][case.symbology].add(case, barcodes, seconds)
            if case.expected is not None:  # negatives have their own row
                table[name]["total"].add(case, barcodes, seconds)
    return table


def print_table(title: str, table: dict[str, dict[str, Score]]) -> None:
    print(f"\n{title}")
    print(f"{'method':16} {'symbology':11} {'images':>6} {'read':>5} {'wrong':>5} {'missed':>6} {'false+':>6} {'cpu ms/img':>10}")
    for method, rows in table.items():
        for symbology in sorted(rows, key=lambda s: (s == "total", s in ("negative", "text page"), s)):
            row = rows[symbology]
            negative = symbology in ("negative", "text page")
            print(
                f"{method:16} {symbology:11} {row.images:6d} {'' if negative else row.read:>5} {'' if negative else row.wrong:>5} "
                f"{'' if negative else row.missed:>6} {row.false_positive if negative else '':>6} {1000 * row.cpu_seconds / max(row.images, 1):10.1f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--generated", type=int, default=72, help="generated cover pages (default 72)")
    parser.add_argument("--text-pages", type=int, default=12, help="generated text pages without barcodes (default 12)")
    parser.add_argument("--quick", action="store_true", help="24 covers and 6 text pages")
    args = parser.parse_args()
    generated, text_pages = (24, 6) if args.quick else (args.generated, args.text_pages)
    corpus = score(corpus_cases(args.corpus))
    print_table(f"Corpus barcode images ({args.corpus})", corpus)
    covers = score(generated_cases(generated) + text_page_cases(text_pages))
    print_table(f"Generated cover pages ({generated}) and text pages without barcodes ({text_pages})", covers)
    default, others = corpus["daftar default"], [corpus[name] for name in ("pyzbar", "zxing-cpp")]
    ok = default["total"].wrong == 0 and all(default["total"].read >= other["total"].read for other in others)
    ok = ok and covers["daftar default"]["total"].wrong == 0
    print(f"\ndefault reads the most with no wrong value: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
