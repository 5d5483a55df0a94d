"""Archive bytes per page against source bytes per page, per kind of scan, on the shared corpus.

Each page is read and cleaned as a night does, then archived as daftar archives it (the scan as
scanned: a JPEG's own bytes, a PNG's or G4 TIFF's own compressed data, a PDF page as its own page
object, else bilevel as CCITT G4 and grey/colour as PNG; a turned page turned like the OCR copy)
and, in the same run, as daftar did before (a JPEG q85 of the cleaned grey page): the baseline. No OCR: the text layer adds the same few KB to both. Goal: no kind
above 1.3x its source, bilevel at most 1.1x. For pages stored again as JPEG after a turn, the
PSNR against the turned scan says how close to lossless they are.

    .venv/bin/python bench/archive_size.py
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.config import Settings  # noqa: E402
from domain.model import RecordFile  # noqa: E402
from night.page_images import write_archived_page, write_jpeg  # noqa: E402
from pipeline import preprocess  # noqa: E402
from pipeline.archival_pdf import PdfAssembler  # noqa: E402
from pipeline.pages import iter_pages  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
KINDS = {
    "bilevel": ["scans/leptonica/harmoniam-11.tif", "scans/leptonica/pageseg2.tif", "scans/ocrmypdf/ccitt.pdf",
                "text/hindi/test__raaj.tif"],
    "jpeg": ["scans/leptonica/cat.035.jpg", "scans/leptonica/pedante.079.jpg", "scans/leptonica/wet-day.jpg",
             "text/urdu/tessdata_contrib__1.jpg"],
    "lossless grey/colour": ["scans/ocrmypdf/linn.png", "scans/ocrmypdf/typewriter.png", "text/hindi/imageshin__hin001.png",
                             "text/devanagari_sanskrit/imagessan__p001.png", "text/urdu/tessdata_contrib__2.png"],
    # JPEG, colour Flate and pages that are no single image (an OCRed page, a grey 72 dpi page) mixed.
    "mixed PDF": ["scans/ocrmypdf/multipage.pdf"],
}
RECORD = RecordFile(file_id="bench", file_number="BENCH/1", file_number_raw="BENCH/1", file_number_source="provisional",
                    district="bench", tehsil="bench", batch="bench", stack="bench", processed_at="2026-11-20T23:30:00")


def archive_bytes(source: Path, work: Path, settings: Settings) -> tuple[int, int, int, list[float]]:
    """(pages, archive bytes, baseline bytes, PSNR of pages stored again as JPEG) for one source."""
    ours, baseline = PdfAssembler(work, "ours", 32), PdfAssembler(work, "baseline", 32)
    pages, psnrs = 0, []
    for page in iter_pages(source, settings.ocr.dpi, settings.intake.max_page_pixels):
        cleaned = preprocess.clean_page(page.image, page.dpi, settings.cleaning)
        base = work / f"page-{pages}"
        image, dpi = write_archived_page(base, page.scan, page.image, page.dpi, cleaned)
        if image.suffix == ".jpg" and page.scan.jpeg is not None and (cleaned.orientation or cleaned.skew_degrees):
            scan = np.asarray(Image.open(io.BytesIO(page.scan.jpeg)).convert("RGB" if page.scan.mode == "RGB" else "L"))
            psnrs.append(_psnr(image, preprocess.turn_like(scan, cleaned)))
        ours.add(image, dpi, None)
        old = base.with_name(base.name + "-old.jpg")
        write_jpeg(old, cleaned.image, 85)
        baseline.add(old, page.dpi, None)
        pages += 1
    sizes = []
    for assembler, name in ((ours, "ours.pdf"), (baseline, "baseline.pdf")):
        assembler.finish(work / name, RECORD, dt.datetime(2026, 11, 20))
        sizes.append((work / name).stat().st_size)
    return pages, sizes[0], sizes[1], psnrs


def _psnr(stored: Path, reference: np.ndarray) -> float:
    """The stored JPEG against the turned scan it was encoded from."""
    decoded = np.asarray(Image.open(stored).convert("RGB" if reference.ndim == 3 else "L"), dtype=np.float64)
    error = float(np.mean((decoded - reference.astype(np.float64)) ** 2))
    return math.inf if error == 0 else 10 * math.log10(255 ** 2 / error)


def main() -> None:
    settings = Settings.load()
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0])
    psnr: dict[str, list[float]] = defaultdict(list)
    print(f"{'kind':22} {'source':40} {'pages':>5} {'src KB/p':>9} {'ours KB/p':>9} {'x':>5} {'before KB/p':>11} {'x':>5}")
    for kind, names in KINDS.items():
        for name in names:
            source = CORPUS / name
            with tempfile.TemporaryDirectory(prefix="daftar-size-") as tmp:
                pages, ours, before, psnrs = archive_bytes(source, Path(tmp), settings)
            size = source.stat().st_size
            psnr[kind] += psnrs
            for i, value in enumerate((pages, size, ours, before)):
                totals[kind][i] += value
            print(f"{kind:22} {name:40} {pages:5} {size / pages / 1024:9.1f} {ours / pages / 1024:9.1f} {ours / size:5.2f}"
                  f" {before / pages / 1024:11.1f} {before / size:5.2f}")
    print("\nper kind (all its pages):")
    for kind, (pages, size, ours, before) in totals.items():
        worst = f"; JPEG pages stored again: min PSNR {min(psnr[kind]):.1f} dB" if psnr[kind] else ""
        print(f"  {kind:22} {pages:3} pages  ours {ours / size:.2f}x source  (before: {before / size:.2f}x){worst}")


if __name__ == "__main__":
    main()
