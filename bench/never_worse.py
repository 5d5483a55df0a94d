"""The "never worse" table of `bench/quality.py`: every page of the corpus and of generated damage
sets read by daftar (cleaned as the night cleans it, read with the languages and page
segmentation and models the night chooses, junk dropped as no-text) against the same page read as it came
by plain Tesseract with the same languages and models (Urdu by urd_nastaliq on both sides, as the
night reads it, so that the table measures cleaning and choices, not the model). CER where the page has ground truth, and the words
read on every page; the pages where daftar did worst are named.

    .venv/bin/python bench/quality.py --never-worse [--quick] [--jobs 2]
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.damage import add_shaded_edge, at_resolution, in_colour, sheet_music
from bench.deskew import GeneratedPage, add_noise, skew_page, table_page, text_page, turn_page

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
# Not pages to read: refused inputs, born-digital PDFs (not OCRed), stress files.
SKIPPED = {"invalid.pdf", "hugemono.pdf", "enormous.pdf", "tagged.pdf", "graph_ocred.pdf", "acroform.pdf", "livecycle.pdf",
           "truetype_font_nomapping.pdf", "jbig2_baddevicen.pdf"}
LANGUAGE_OF = {"hin": "hin", "san": "hin", "urd": "urd"}


@dataclass
class Page:
    name: str
    image: np.ndarray  # grey, or BGR colour
    dpi: int
    language: str
    truth: str | None


def corpus_pages() -> list[Page]:
    from pipeline.pages import iter_pages

    pages = []
    with (CORPUS / "MANIFEST.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"] in ("scan_pdf", "scan_image", "text_image")]
    for row in rows:
        path = CORPUS / row["path"]
        if path.name in SKIPPED:
            continue
        language = next((code for key, code in LANGUAGE_OF.items() if f"lang={key}" in row["notes"]), "eng")
        truth_path = CORPUS / row["expected"] if row["expected"].endswith(".txt") else None
        truth = truth_path.read_text(encoding="utf-8") if truth_path and truth_path.exists() else (row["expected"] or None)
        for page in iter_pages(path, 300):
            pages.append(Page(f"{path.name}#{page.index + 1}", page.image, page.dpi, language, truth))
    return pages


def damaged_pages(quick: bool) -> list[Page]:
    """The damage that once made daftar worse (issue 12), on generated pages and on linn.png."""
    lines = 12 if quick else None
    made: list[tuple[str, GeneratedPage | np.ndarray, int, str, str | None]] = []
    for language in ("eng", "hin", "urd"):
        page = text_page(language, 300, seed=61, lines=lines)
        made += [(f"{language} shaded edge", add_shaded_edge(page), 300, language, page.text),
                 (f"{language} 72dpi 1-bit", at_resolution(page, 72, 1), 72, language, page.text),
                 (f"{language} level 0.1°", skew_page(page, 0.1), 300, language, page.text),
                 (f"{language} upside down", turn_page(page, 180), 300, language, page.text),
                 (f"{language} colour 600dpi", in_colour(at_resolution(page, 600)), 600, language, page.text)]
    register = table_page(300, seed=62)
    made += [("register sideways", turn_page(skew_page(register, 1.5), 90), 300, "eng", register.text),
             ("register noisy", add_noise(register, seed=62), 300, "eng", register.text),
             ("sheet music", sheet_music(300, seed=63), 300, "urd", "")]  # nothing to read: every word is junk
    linn = CORPUS / "scans/ocrmypdf/linn.png"
    if linn.exists():
        from pipeline.pages import iter_pages

        source = GeneratedPage(next(iter_pages(linn, 300)).image, (CORPUS / "scans/ocrmypdf/linn.txt").read_text(encoding="utf-8"), "eng", 300)
        made += [("linn shaded edge", add_shaded_edge(source), 300, "eng", source.text),
                 ("linn 72dpi 1-bit", at_resolution(source, 72, 1), 72, "eng", source.text)]
    return [Page(name, page if isinstance(page, np.ndarray) else page.image, dpi, language, truth) for name, page, dpi, language, truth in made]


def read_as_it_came(page: Page) -> str:
    from bench.quality import tesseract

    from pipeline.tessdata import tessdata_dir
    from pipeline.urdu_model import reading_models

    grey = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY) if page.image.ndim == 3 else page.image
    models = reading_models((page.language,))
    return tesseract(grey, page.dpi, "+".join(models), tessdata_dir(models))


def read_by_daftar(page: Page) -> str:
    from domain.config import Settings
    from pipeline import ocr
    from pipeline.legibility import no_text
    from pipeline.preprocess import clean_page, languages_for_page
    from pipeline.script import page_segmentation, read_with
    from pipeline.urdu_model import reading_models

    settings = Settings()
    cleaned = clean_page(page.image, page.dpi, settings.cleaning, [page.language])
    if cleaned.blank:
        return ""
    models = reading_models(read_with(languages_for_page(cleaned.script, [page.language]), settings.ocr.models))
    segmentation = page_segmentation(cleaned.script, cleaned.layout, settings.ocr.page_segmentation_arabic, settings.ocr.page_segmentation)
    with tempfile.TemporaryDirectory(prefix="daftar-nw-") as folder:
        path = Path(folder) / "page.png"
        cv2.imwrite(str(path), cleaned.image)
        read = ocr.ocr_page(path, models, segmentation, page.dpi, 600)
    return "" if no_text(read.text, read.confidence) else read.text


def measure(page: Page) -> dict:
    from bench.quality import error_rates

    row: dict = {"name": page.name, "language": page.language}
    for method, reader in (("came", read_as_it_came), ("daftar", read_by_daftar)):
        text = reader(page)
        row[f"{method}_words"] = len(text.split())
        row[f"{method}_cer"] = error_rates(page.truth, text)[0] if page.truth is not None else None
    return row


def harm(row: dict) -> float:
    """How much worse daftar read the page: CER points where there is ground truth, else the
    share of the words read as it came that daftar did not read."""
    if row["came_cer"] is not None:
        return 100 * (row["daftar_cer"] - row["came_cer"])
    return 100 * (row["came_words"] - row["daftar_words"]) / max(1, row["came_words"])


def print_never_worse_table(rows: list[dict]) -> None:
    print(f"\nnever worse: {len(rows)} pages, daftar against the page read as it came (same languages)")
    print(f"  {'page':34} {'lang':4} {'CER came':>9} {'daftar':>7} {'words came':>11} {'daftar':>7}")
    for row in rows:
        cer = "".join(f"{100 * row[key]:8.1f}%" if row[key] is not None else f"{'-':>9}" for key in ("came_cer", "daftar_cer"))
        print(f"  {row['name'][:34]:34} {row['language']:4} {cer} {row['came_words']:11d} {row['daftar_words']:7d}")
    with_truth = [row for row in rows if row["came_cer"] is not None]
    worse = [row for row in with_truth if row["daftar_cer"] - row["came_cer"] > 0.005]
    print(f"pages with ground truth: {len(with_truth)}; worse by more than 0.5 CER points: {len(worse)}")
    print("worst five (CER points worse, or share of words lost where there is no ground truth):")
    for row in sorted(rows, key=harm, reverse=True)[:5]:
        unit = "CER points" if row["came_cer"] is not None else "% of words"
        print(f"  {row['name']:34} {harm(row):+6.1f} {unit}")
