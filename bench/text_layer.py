"""The text layer people copy from, and what ALTO costs: Tesseract's own PDF layer against daftar's.

On the sample scans' text pages (English, Urdu, Hindi; cleaned as the night cleans them), each
page is OCRed twice, as before and as now:

  tesseract  one run writing txt, tsv and Tesseract's text-only PDF (the layer daftar used before)
  daftar     pipeline.ocr.ocr_page: one run writing txt, tsv and ALTO, the layer written from the
             words (pipeline.text_layer)

Each layer is laid over its page image as the archive lays it, and its text read back with
`pdftotext` and with pdfplumber (`extract_text()`, and on Urdu pages also right to left,
`char_dir="rtl", char_dir_render="ltr"`, pdfplumber's way for Arabic script). The table gives the
character error rate of what came out against the record's text (Tesseract's own txt of the same
run), after NFKC, with bidi marks taken as spaces and whitespace collapsed; and how many of the
record's numbers (its runs of digits, 1187 not 7811) came out whole. Then the cost: Tesseract's seconds per page with
each set of outputs, in turns on the same pages, and the seconds daftar spends writing the layer.

    .venv/bin/python bench/text_layer.py            # all text pages, a few minutes on 2 cores
    .venv/bin/python bench/text_layer.py --quick    # one page per script
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import img2pdf
import pdfplumber
import pikepdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quality import error_rates  # noqa: E402
from domain.config import Settings  # noqa: E402
from pipeline import alto, tesseract, text_layer  # noqa: E402
from pipeline.ocr import ocr_page  # noqa: E402
from pipeline.pages import iter_pages  # noqa: E402
from pipeline.preprocess import clean_page  # noqa: E402

SAMPLES = ROOT / "sample_scans"
LANGUAGES = {"eng": ("eng",), "urd": ("urd", "eng"), "hin": ("hin", "eng")}
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
OUTPUT_SETS = {"txt tsv": ("txt", "tsv"), "txt tsv pdf": ("txt", "tsv", "pdf"), "txt tsv alto": ("txt", "tsv", "alto")}


@dataclass
class Scores:
    cer: dict[str, list[float]] = field(default_factory=dict)
    numbers: dict[str, list[int]] = field(default_factory=dict)  # [whole, of]

    def add(self, reader: str, record: str, extracted: str) -> None:
        self.cer.setdefault(reader, []).append(error_rates(plain(record), plain(extracted))[0])
        whole, of = self.numbers.setdefault(reader, [0, 0])
        wanted, found = Counter(re.findall(r"\d+", record)), Counter(re.findall(r"\d+", extracted))
        self.numbers[reader] = [whole + sum((wanted & found).values()), of + sum(wanted.values())]


def plain(text: str) -> str:
    return " ".join(BIDI_MARKS.sub(" ", text).split())


def text_pages(quick: bool) -> list[tuple[str, Path, int]]:
    """(language, scan, page index) of the sample scans' text pages that are images, not PDFs."""
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    pages, seen = [], set()
    for record in truth["record_files"]:
        batch = SAMPLES / "inbox" / record["district"] / record["tehsil"] / record["batch"]
        for page in record["pages"]:
            source = batch / page["source"]
            if page["kind"] != "text" or source.suffix.lower() == ".pdf" or (quick and page["language"] in seen):
                continue
            seen.add(page["language"])
            pages.append((page["language"], source, page["source_page"] - 1))
    return pages


def cleaned_page(source: Path, index: int, work: Path, settings: Settings) -> Path:
    page = next(page for page in iter_pages(source, settings.ocr.dpi) if page.index == index)
    path = work / f"{source.stem}-{index}.png"
    cv2.imwrite(str(path), clean_page(page.image, page.dpi, settings.cleaning).image)
    return path


def laid_over(image: Path, layer: Path, out: Path) -> Path:
    """The page as the archive lays it: the image, the text layer over it."""
    with pikepdf.open(io.BytesIO(img2pdf.convert(str(image), layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))) as pdf, \
            pikepdf.open(layer) as text:
        pdf.pages[0].add_overlay(text.pages[0])
        pdf.save(out)
    return out


def read_back(pdf: Path, language: str) -> dict[str, str]:
    texts = {"pdftotext": subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout}
    with pdfplumber.open(pdf) as document:
        texts["pdfplumber"] = document.pages[0].extract_text()
        if language == "urd":
            texts["pdfplumber rtl"] = document.pages[0].extract_text(char_dir="rtl", char_dir_render="ltr")
    return texts


def tesseract_run(image: Path, base: Path, language: str, outputs: tuple[str, ...], settings: Settings) -> float:
    psm = settings.ocr.page_segmentation_arabic if language == "urd" else settings.ocr.page_segmentation
    command = ["tesseract", str(image), str(base), "-l", "+".join(LANGUAGES[language]), "--psm", str(psm),
               "--dpi", str(settings.ocr.dpi), "-c", "textonly_pdf=1", *outputs]
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, env=tesseract.tesseract_env(), check=True)
    return time.perf_counter() - started


def measure(pages: list[tuple[str, Path, int]], settings: Settings, work: Path):
    before: dict[str, Scores] = {}
    after: dict[str, Scores] = {}
    seconds: dict[str, list[float]] = {name: [] for name in (*OUTPUT_SETS, "daftar layer")}
    for number, (language, source, index) in enumerate(pages):
        image = cleaned_page(source, index, work, settings)
        print(f"  {language} {source.name} page {index + 1}", file=sys.stderr)
        names = list(OUTPUT_SETS)
        for name in names[number % 3:] + names[:number % 3]:  # in turns, so no set always runs first
            seconds[name].append(tesseract_run(image, work / f"t{number}", language, OUTPUT_SETS[name], settings))
        record = (work / f"t{number}.txt").read_text(encoding="utf-8")
        old = laid_over(image, work / f"t{number}.pdf", work / f"old{number}.pdf")
        for reader, text in read_back(old, language).items():
            before.setdefault(language, Scores()).add(reader, record, text)
        ocr = ocr_page(image, LANGUAGES[language], settings.ocr.page_segmentation_arabic if language == "urd"
                       else settings.ocr.page_segmentation, settings.ocr.dpi, settings.ocr.tesseract_timeout)
        new = laid_over(image, ocr.text_layer, work / f"new{number}.pdf")
        for reader, text in read_back(new, language).items():
            after.setdefault(language, Scores()).add(reader, ocr.text, text)
        seconds["daftar layer"].append(layer_seconds(work, number))
    return before, after, seconds


def layer_seconds(work: Path, number: int) -> float:
    """What writing daftar's layer and mending the ALTO cost, from the run's word table."""
    rows = tesseract.read_tsv(work / f"t{number}.tsv")
    started = time.perf_counter()
    text_layer.write_text_layer(text_layer.lines_from_rows(rows), text_layer.page_size(rows), 300, work / f"layer{number}.pdf")
    alto.mend_spaces(work / f"t{number}.xml")
    return time.perf_counter() - started


def report(before: dict[str, Scores], after: dict[str, Scores], seconds: dict[str, list[float]]) -> None:
    print("\nExtraction CER of the page PDF's text against the record's text (lower is better); numbers whole")
    print(f"{'script':8} {'reader':15} {'tesseract layer':>22} {'daftar layer':>22}")
    for language in after:
        for reader in after[language].cer:
            cells = []
            for scores in (before[language], after[language]):
                whole, of = scores.numbers[reader]
                cells.append(f"{statistics.mean(scores.cer[reader]):6.3f} {whole:4d}/{of:<4d}")
            print(f"{language:8} {reader:15} {cells[0]:>22} {cells[1]:>22}")
    print(f"\nSeconds per page ({len(seconds['txt tsv'])} pages; Tesseract single-threaded, in turns)")
    base = statistics.mean(seconds["txt tsv"])
    for name, values in seconds.items():
        mean = statistics.mean(values)
        extra = "" if name == "daftar layer" else f"  ({(mean - base) / base:+.1%} against txt tsv)"
        print(f"  {name:14} {mean:7.3f}{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one page per script")
    args = parser.parse_args()
    settings = Settings.load()
    with tempfile.TemporaryDirectory(prefix="daftar-text-layer-") as tmp:
        report(*measure(text_pages(args.quick), settings, Path(tmp)))


if __name__ == "__main__":
    main()
