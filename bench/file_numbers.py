"""File-number bench: generated cover pages with a barcoded file-number label, read the way the
nightly batch reads them (read_barcodes -> normalize_file_number -> choose_file_number).

    .venv/bin/python bench/file_numbers.py            # 324 pages (the quality bar: >= 300)
    .venv/bin/python bench/file_numbers.py --quick    # 54 pages, for a quick look

Each page is an A4 cover scanned at 150, 200 or 300 dpi: typed header lines, a printed label
(Code128, Code39 or QR) with the file number and its human-readable text, sometimes an older
unrelated label (Code128 "004518870023"), then the whole page rotated up to +-10 degrees,
blurred, noised, its contrast lowered and saved as JPEG the way scanners do. The label geometry
is that of ordinary desk label printers (Code128 module 0.30-0.38 mm, Code39 narrow bar
0.25-0.33 mm at 3:1, QR module 0.5-0.8 mm, bars 12-16 mm tall). The conditions are harsher than
a working flatbed or sheet-fed scanner: optics blur sigma 0-0.15 mm (a scanner is ~0.05 mm),
sensor noise sigma 0-14 grey levels, 30 % of labels faded to ~100 grey levels of contrast.

Reported: file-number recall (target >= 99.5 %) and wrong numbers accepted (target 0), per
condition, with the CPU time of read_barcodes + normalize + choose per page. `--seed 0` is the
page set the reader was tuned on; any other seed is a set it has never seen.

The generator (`make_cover_page`) is also used by the unit tests.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from extractors.barcodes import read_barcodes  # noqa: E402
from extractors.file_numbers import choose_file_number, file_numbers_from_barcodes  # noqa: E402
from domain.config import FileNumberPattern  # noqa: E402

MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)

# The Anantnag pattern (configs/districts/anantnag.yaml), repeated here so the bench does not
# depend on the district files other people edit.
REVENUE_PATTERN = FileNumberPattern(
    name="revenue",
    regex=r"(?P<office>[A-Z]{2,5})\s*[/\\|-]\s*(?P<section>[A-Z]{2,4}-?\d{1,3})\s*[/\\|-]\s*(?P<year>\d{4})\s*[/\\|-]\s*(?P<serial>\d{1,6})",
    normalized="{office}/{section}/{year}/{serial}",
    serial_width=4,
    year_range=(1900, 2030),
)

OFFICES = ["REV", "GAD", "TSL", "LND", "CRT", "DCA"]
SECTIONS = ["TSL", "MUT", "JB", "CRT", "NZL", "KHS"]


@dataclass(frozen=True)
class Condition:
    """How one cover page is printed and scanned."""

    symbology: str  # code128, code39, qrcode (datamatrix for the decoder bench)
    dpi: int
    angle: float  # degrees, page rotation on the scanner bed
    blur_mm: float  # Gaussian blur sigma of the scanner optics, in mm
    noise: float  # Gaussian noise sigma, grey levels
    low_contrast: bool  # faded thermal label on yellowed paper
    jpeg_quality: int  # 0 = lossless
    distractor: bool  # an older unrelated label on the same cover


def random_file_number(rng: random.Random) -> tuple[str, str]:
    """A printed file number as an office writes it (serial padded or not), and its
    normalized spelling under REVENUE_PATTERN."""
    office, section = rng.choice(OFFICES), f"{rng.choice(SECTIONS)}-{rng.randint(1, 40):02d}"
    year, serial = rng.randint(1950, 2024), rng.randint(1, 9999)
    printed_serial = f"{serial:04d}" if rng.random() < 0.6 else str(serial)
    return f"{office}/{section}/{year}/{printed_serial}", f"{office}/{section}/{year}/{serial:04d}"


def barcode_modules(value: str, symbology: str) -> np.ndarray:
    """The code as a 2-D array of modules, 1 = ink. 1D codes are one row."""
    if symbology == "qrcode":
        import qrcode

        qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(value)
        qr.make(fit=True)
        return np.array(qr.get_matrix(), dtype=np.uint8)
    if symbology == "datamatrix":
        import zxingcpp

        code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.DataMatrix)
        return (np.asarray(code.to_image(scale=1, add_quiet_zones=False)) == 0).astype(np.uint8)
    import barcode

    if symbology == "code128":
        bits = barcode.Code128(value).build()[0]
    elif symbology == "code39":
        bits = barcode.Code39(value, add_checksum=False).build()[0]  # wide:narrow = 3:1
    else:
        raise ValueError(symbology)
    return np.array([[1 if bit == "1" else 0 for bit in bits]], dtype=np.uint8)


def render_modules(modules: np.ndarray, module_px: float, height_px: int | None, supersample: int = 8) -> np.ndarray:
    """Ink coverage (0..1) of the code at a fractional module size, by supersampling: a scanner
    averages over each pixel, so bars of 1.7 px come out as greys, not as 1 or 2 px."""
    fine = max(1, int(round(module_px * supersample)))
    big = np.kron(modules.astype(np.float32), np.ones((fine, fine), np.float32))
    width = max(1, int(round(modules.shape[1] * module_px)))
    height = height_px if height_px is not None else max(1, int(round(modules.shape[0] * module_px)))
    if modules.shape[0] == 1:
        big = np.repeat(big[:1], 4, axis=0)
    return cv2.resize(big, (width, height), interpolation=cv2.INTER_AREA)


def make_label(value: str, symbology: str, dpi: int, rng: random.Random) -> np.ndarray:
    """A white label (ink coverage 0..1) with the code, quiet zones and the printed value."""
    px_per_mm = dpi / MM_PER_INCH
    modules = barcode_modules(value, symbology)
    if symbology in ("qrcode", "datamatrix"):
        code = render_modules(modules, rng.uniform(0.5, 0.8) * px_per_mm, None)
        quiet = int(4 * 0.6 * px_per_mm)
    else:
        narrow_mm = rng.uniform(0.30, 0.38) if symbology == "code128" else rng.uniform(0.25, 0.33)
        code = render_modules(modules, narrow_mm * px_per_mm, int(rng.uniform(12, 16) * px_per_mm))
        quiet = int(10 * narrow_mm * px_per_mm)
    text_h = int(4 * px_per_mm)
    label = np.zeros((code.shape[0] + 2 * quiet + text_h, code.shape[1] + 2 * quiet), np.float32)
    label[quiet : quiet + code.shape[0], quiet : quiet + code.shape[1]] = code
    scale = px_per_mm * 0.12
    text = np.zeros_like(label, dtype=np.uint8)
    cv2.putText(text, value, (quiet, label.shape[0] - int(quiet * 0.6)), cv2.FONT_HERSHEY_SIMPLEX, scale, 255, max(1, int(scale * 2)), cv2.LINE_AA)
    return np.maximum(label, text.astype(np.float32) / 255)


def paste(ink: np.ndarray, patch: np.ndarray, top: int, left: int) -> None:
    """Stick a label on: it is opaque, so it hides the text under it."""
    h, w = min(patch.shape[0], ink.shape[0] - top), min(patch.shape[1], ink.shape[1] - left)
    ink[top : top + h, left : left + w] = patch[:h, :w]


def make_cover_page(value: str | None, condition: Condition, seed: int = 0, distractor_value: str = "004518870023") -> np.ndarray:
    """A greyscale scanned A4 cover page carrying `value` on a label, as the scanner writes it;
    with `value` None, a page of text without a label."""
    rng = random.Random(seed)
    px_per_mm = condition.dpi / MM_PER_INCH
    width, height = int(A4_MM[0] * px_per_mm), int(A4_MM[1] * px_per_mm)
    ink = np.zeros((height, width), np.float32)
    # typed header and body lines: text is what makes barcode search on a page expensive
    lines = ["GOVERNMENT OF JAMMU AND KASHMIR", "OFFICE OF THE TEHSILDAR BIJBEHARA", "RECORD ROOM - REVENUE", "Subject: mutation of land khasra no 412"]
    lines += [" ".join(rng.choice(["land", "khasra", "village", "mutation", "order", "tehsil", "patwari", "record", "1987", "kanal", "marla"]) for _ in range(8)) for _ in range(18)]
    text = np.zeros((height, width), np.uint8)
    scale = px_per_mm * 0.14
    for i, line in enumerate(lines):
        y = int((25 + i * (12 if i < 4 else 9) + (40 if i >= 4 else 0)) * px_per_mm)
        cv2.putText(text, line, (int(20 * px_per_mm), y), cv2.FONT_HERSHEY_SIMPLEX, scale, 255, max(1, int(scale * 2)), cv2.LINE_AA)
    ink = np.maximum(ink, text.astype(np.float32) / 255 * 0.9)
    paper = np.full((height, width), 1.0, np.float32)
    if value is not None:
        stick_label(ink, make_label(value, condition.symbology, condition.dpi, rng), px_per_mm, rng)
    if condition.distractor:
        old = make_label(distractor_value, "code128", condition.dpi, rng)
        paste(ink, old, int(height * 0.86), int(width * 0.5))
    return scan(paper, ink, condition, seed, rng)


def stick_label(ink: np.ndarray, label: np.ndarray, px_per_mm: float, rng: random.Random) -> None:
    # on the free band under the header, or anywhere over the body text, clear of the old
    # label at the bottom (from 255 mm down): one label never hides another here
    top = int(rng.uniform(66, 72) * px_per_mm) if rng.random() < 0.5 else int(rng.uniform(100, 220) * px_per_mm)
    left = int(rng.uniform(10, max(11, A4_MM[0] - 10 - label.shape[1] / px_per_mm)) * px_per_mm)
    paste(ink, label, top, left)


def scan(paper: np.ndarray, ink: np.ndarray, condition: Condition, seed: int, rng: random.Random) -> np.ndarray:
    """Print the ink on paper and scan it under `condition`."""
    height, width = ink.shape
    px_per_mm = condition.dpi / MM_PER_INCH
    # print: ink level, paper tone (yellowed covers, faded thermal labels)
    paper_level = rng.uniform(205, 225) if condition.low_contrast else rng.uniform(228, 248)
    ink_level = rng.uniform(95, 120) if condition.low_contrast else rng.uniform(15, 45)
    page = paper * paper_level - ink * (paper_level - ink_level)
    page = page + np.linspace(0, -12, width, dtype=np.float32)[None, :]  # uneven lighting
    # scan: rotation on the bed, optics blur, sensor noise, JPEG
    if condition.angle:
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), condition.angle, 1.0)
        page = cv2.warpAffine(page, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=paper_level)
    if condition.blur_mm:
        page = cv2.GaussianBlur(page, (0, 0), condition.blur_mm * px_per_mm)
    if condition.noise:
        page = page + np.random.default_rng(seed).normal(0, condition.noise, page.shape).astype(np.float32)
    page = np.clip(page, 0, 255).astype(np.uint8)
    if condition.jpeg_quality:
        ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, condition.jpeg_quality])
        page = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return page


def conditions(count: int, seed: int = 1987) -> list[Condition]:
    """`count` conditions, symbology x dpi balanced, the rest drawn at random."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        symbology = ["code128", "code39", "qrcode"][i % 3]
        dpi = [150, 200, 300][(i // 3) % 3]
        out.append(
            Condition(
                symbology=symbology,
                dpi=dpi,
                angle=round(rng.uniform(-10, 10), 2),
                blur_mm=rng.choice([0.0, 0.05, 0.1, 0.15]),
                noise=rng.choice([0.0, 4.0, 8.0, 14.0]),
                low_contrast=rng.random() < 0.3,
                jpeg_quality=rng.choice([0, 75, 90]),
                distractor=rng.random() < 0.3,
            )
        )
    return out


def condition_keys(condition: Condition) -> list[str]:
    """The rows of the report table this page counts in."""
    angle = abs(condition.angle)
    return [
        "all",
        f"symbology={condition.symbology}",
        f"dpi={condition.dpi}",
        f"|angle|={'0-3' if angle < 3 else '3-7' if angle < 7 else '7-10'}",
        f"blur={condition.blur_mm:.2f}mm",
        f"noise={condition.noise:.0f}",
        f"contrast={'low' if condition.low_contrast else 'normal'}",
        f"jpeg={condition.jpeg_quality or 'none'}",
        f"distractor={'yes' if condition.distractor else 'no'}",
    ]


def run(count: int, seed: int = 0, verbose: bool = False) -> dict[str, list[float]]:
    """Read every generated page; per condition key: [pages, found, wrong, CPU ms]. CPU time,
    not wall time: this machine is shared, and the pipeline runs one page per core anyway."""
    rng = random.Random(42 + seed)
    table: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
    for index, condition in enumerate(conditions(count, seed=1987 + seed)):
        printed, truth = random_file_number(rng)
        page = make_cover_page(printed, condition, seed=index + 100_000 * seed)
        start = time.process_time()
        barcodes = read_barcodes(page)
        chosen, flags = choose_file_number(file_numbers_from_barcodes(barcodes, [REVENUE_PATTERN]))
        elapsed = time.process_time() - start
        found = chosen is not None and chosen.normalized == truth
        wrong = chosen is not None and chosen.normalized != truth
        if verbose and not found:
            print(f"  page {index}: {condition} truth={truth} got={chosen and chosen.normalized} flags={flags} read={[b.value for b in barcodes]}")
        for key in condition_keys(condition):
            row = table[key]
            row[0] += 1
            row[1] += found
            row[2] += wrong
            row[3] += elapsed * 1000
    return table


def print_table(table: dict[str, list[float]]) -> None:
    print(f"{'condition':22} {'pages':>6} {'found':>6} {'recall':>8} {'wrong':>6} {'cpu ms/page':>11}")
    for key in sorted(table, key=lambda k: (k != "all", k.split("=")[0], _sort_value(k))):
        pages, found, wrong, ms = table[key]
        print(f"{key:22} {int(pages):6d} {int(found):6d} {100 * found / pages:7.1f}% {int(wrong):6d} {ms / pages:11.1f}")


def _sort_value(key: str) -> tuple:
    value = key.split("=", 1)[-1].rstrip("m")
    try:
        return (0, float(value.split("-")[0]))
    except ValueError:
        return (1, value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=324, help="generated cover pages (default 324)")
    parser.add_argument("--quick", action="store_true", help="54 pages")
    parser.add_argument("--seed", type=int, default=0, help="another set of pages (0: the set the reader was tuned on)")
    parser.add_argument("--verbose", action="store_true", help="print every page not read right")
    args = parser.parse_args()
    count = 54 if args.quick else args.pages
    table = run(count, seed=args.seed, verbose=args.verbose)
    print_table(table)
    pages, found, wrong, _ = table["all"]
    print(f"\nfile-number recall {100 * found / pages:.2f}% (target >= 99.5%), wrong numbers accepted {wrong} (target 0)")
    return 0 if found / pages >= 0.995 and wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
