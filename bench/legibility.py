"""The no-text thresholds (`pipeline.legibility.no_text`) and their margin: the legibility figures
(mean word confidence, share of tokens that are words or numbers) of every text page of the
corpus against pages with no text.

Text pages: every page of the corpus's scan_image, scan_pdf and text_image kinds that the night
OCRs (1-bit, low dpi, JBIG2, shaded, maps with labels, graphs), read with its own language. Pages
with no text: sheet music, a line drawing, a map-like page, stamps and signatures only and a
photo-like halftone (`bench/nontext.py`), each read as a district reading English, Urdu and
English, Urdu, Hindi, Urdu and English, or Hindi and English would read it. Every page is read the night's way: cleaned, its
script chosen among the district's, its models and page segmentation chosen, one Tesseract.

    .venv/bin/python bench/legibility.py [--jobs 2] [--seeds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.damage import sheet_music  # noqa: E402
from bench.nontext import NON_TEXT  # noqa: E402
from pipeline.legibility import LONE_WORD, NO_TEXT_CONFIDENCE, NO_TEXT_MIN_WORDS, NO_TEXT_WORD_SHARE, no_text, word_count  # noqa: E402

DISTRICTS = (["eng"], ["urd"], ["hin"], ["urd", "eng"], ["hin", "eng"])


@dataclass
class Sample:
    name: str
    text: bool  # the page has text to keep
    image: np.ndarray
    dpi: int
    languages: list[str]  # the district's


def text_samples() -> list[Sample]:
    from bench import never_worse

    return [Sample(page.name, True, page.image, page.dpi, [page.language]) for page in never_worse.corpus_pages()]


def non_text_samples(seeds: int) -> list[Sample]:
    makers = {"sheet music": lambda dpi, seed: sheet_music(dpi, seed).image, **NON_TEXT}
    return [Sample(f"{name} #{seed}", False, make(300, seed), 300, languages)
            for name, make in makers.items() for seed in range(1, seeds + 1) for languages in DISTRICTS]


def read(sample: Sample) -> dict:
    """The sample read as the night reads it; its legibility figures (None when cleaning called it blank)."""
    from domain.config import Settings
    from pipeline import ocr, urdu_model
    from pipeline.preprocess import clean_page, languages_for_page
    from pipeline.script import page_segmentation, read_with

    settings = Settings()
    row: dict = {"name": sample.name, "text": sample.text, "district": "+".join(sample.languages), "confidence": None, "share": None}
    cleaned = clean_page(sample.image, sample.dpi, settings.cleaning, sample.languages)
    if cleaned.blank:
        row["read"] = "blank"
        return row
    languages = languages_for_page(cleaned.script, sample.languages)
    models = urdu_model.reading_models(read_with(languages, settings.ocr.models))
    segmentation = page_segmentation(cleaned.script, cleaned.layout, settings.ocr.page_segmentation_arabic, settings.ocr.page_segmentation)
    with tempfile.TemporaryDirectory(prefix="daftar-legibility-") as folder:
        path = Path(folder) / "page.png"
        cv2.imwrite(str(path), cleaned.image)
        result = ocr.ocr_page(path, models, segmentation, sample.dpi, 600)
    tokens, words = word_count(result.text)
    row.update(read="+".join(models), tokens=tokens, confidence=result.confidence, share=words / tokens if tokens else None,
               words=words, no_text=no_text(result.text, result.confidence))
    return row


def print_pages(rows: list[dict]) -> None:
    print(f"{'page':36} {'kind':7} {'district':8} {'read with':16} {'tokens':>6} {'conf':>5} {'words':>6}  verdict")
    for row in sorted(rows, key=lambda r: (not r["text"], r["confidence"] if r["confidence"] is not None else -1)):
        if row["confidence"] is None:
            print(f"{row['name'][:36]:36} {'text' if row['text'] else 'none':7} {row['district']:8} {row['read']:16} {'-':>6}")
            continue
        verdict = "no-text" if row["no_text"] else "text"
        wrong = " WRONG" if row["no_text"] == row["text"] else ""
        print(f"{row['name'][:36]:36} {'text' if row['text'] else 'none':7} {row['district']:8} {row['read'][:16]:16} "
              f"{row['tokens']:6d} {row['confidence']:5.1f} {100 * row['share']:5.0f}%  {verdict}{wrong}")


def print_distributions(rows: list[dict]) -> None:
    read = [row for row in rows if row["confidence"] is not None]
    print("\ndistributions (pages read; blank pages and pages with nothing read left out)")
    for kind, label in ((True, "text pages"), (False, "no-text pages")):
        members = [row for row in read if row["text"] == kind]
        if not members:
            continue
        for figure, scale in (("confidence", 1), ("share", 100)):
            values = sorted(scale * row[figure] for row in members)
            print(f"  {label:14} {figure:10} n={len(values):3d}  min {values[0]:5.1f}  p10 {values[len(values) // 10]:5.1f}"
                  f"  median {statistics.median(values):5.1f}  p90 {values[(9 * len(values)) // 10]:5.1f}  max {values[-1]:5.1f}")
    texts = [row for row in read if row["text"]]
    junk = [row for row in read if not row["text"]]
    if texts and junk:
        print_margins(texts, junk)
    wrong = [row for row in read if row["no_text"] == row["text"]]
    print(f"pages judged wrong: {len(wrong)} of {len(read)}" + "".join(f"\n  {row['name']} ({row['district']})" for row in wrong))


def print_margins(texts: list[dict], junk: list[dict]) -> None:
    """How far each side lies from each threshold of the rule: no text when confidence <
    NO_TEXT_CONFIDENCE and (word share < NO_TEXT_WORD_SHARE or words < NO_TEXT_MIN_WORDS), or a
    lone word (LONE_WORD) under that share."""
    confidence, share, words = NO_TEXT_CONFIDENCE, NO_TEXT_WORD_SHARE, NO_TEXT_MIN_WORDS
    print(f"margins of the rule: no text when confidence < {confidence:.0f} and (words < {100 * share:.0f}% of tokens or fewer than {words}),"
          f" or at most {LONE_WORD} word under that share")

    def few(row: dict) -> bool:
        return row["share"] < share or row["words"] < words

    def edge(rows: list[dict], value, pick) -> str:
        return f"{pick(value(row) for row in rows):.2f}" if rows else "none"

    unsure_texts = [row for row in texts if row["confidence"] < confidence]
    unsure_junk = [row for row in junk if row["confidence"] < confidence]
    print(f"  confidence: text pages of few words from {edge([r for r in texts if few(r)], lambda r: r['confidence'], min)},"
          f" no-text pages of more than {LONE_WORD} word up to {edge([r for r in junk if r['words'] > LONE_WORD], lambda r: r['confidence'], max)}")
    print(f"  word share below {confidence:.0f}: text pages from {edge(unsure_texts, lambda r: r['share'], min)},"
          f" no-text pages of {words}+ words up to {edge([r for r in unsure_junk if r['words'] >= words], lambda r: r['share'], max)}")
    print(f"  words below {confidence:.0f}: text pages from {edge(unsure_texts, lambda r: r['words'], min)},"
          f" no-text pages with the share up to {edge([r for r in unsure_junk if r['share'] >= share], lambda r: r['words'], max)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=1, help="pages read at once (one Tesseract each)")
    parser.add_argument("--seeds", type=int, default=1, help="generated pages of each kind with no text")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    samples = non_text_samples(args.seeds) + ([] if args.skip_corpus else text_samples())
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(read, samples))
    print_pages(rows)
    print_distributions(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
