"""Render Urdu lines as scanned pages, with the ground truth beside each page.

Each page is `--lines-per-page` lines set by `text2image` in one font at one resolution (200-400
dpi), then damaged the way record-room scans are: a slight skew (text2image's own rotation,
which moves the boxes with the ink), blur, uneven ink (faded and heavy strokes), grey paper and
noise. The damage keeps every pixel where it was, so text2image's character boxes stay true.

A run that stopped is resumed: a page whose line-training file is there is not made again.

Writes, per page, `<name>.tif`, `<name>.box` and `<name>.gt.txt` (the lines, in logical order);
with `--lstmf`, also Tesseract's line-training file `<name>.lstmf` and a list of them
(`<out>/list.txt`), as `lstmtraining` reads it.

    render.py --text train.txt --font "Noto Nastaliq Urdu" --font "Noto Naskh Arabic" --out pages --lstmf
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

RESOLUTIONS = (200, 250, 300, 350)
PAGE_INCHES = (8.5, 8.0)  # wide enough that no record line wraps, tall enough for 12 lines
POINT_SIZES = (10, 11, 12, 14)


@dataclass(frozen=True)
class PageJob:
    name: str
    lines: list[str]
    font: str
    resolution: int
    points: int
    seed: int


def damage(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scan-like damage on a rendered page (ink = 0, paper = 255), pixel positions unchanged."""
    ink = 1.0 - page.astype(np.float32) / 255.0
    if rng.random() < 0.5:  # heavy ink (ribbon, photocopy) or thin strokes
        kernel = np.ones((2, 2), np.uint8)
        ink = (cv2.dilate if rng.random() < 0.5 else cv2.erode)(ink, kernel) if rng.random() < 0.5 else ink
    height, width = ink.shape
    fade = cv2.resize(rng.uniform(0.45, 1.0, (4, 6)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
    ink *= np.clip(fade, 0.35, 1.0)  # uneven ink across the page
    sigma = rng.uniform(0.3, 1.4)
    ink = cv2.GaussianBlur(ink, (0, 0), sigma)
    paper = rng.uniform(200, 245)  # yellowed or grey paper
    grey = paper - ink * (paper - rng.uniform(0, 60))
    grey += rng.standard_normal(grey.shape, dtype=np.float32) * rng.uniform(2, 12)
    specks = rng.random(grey.shape, dtype=np.float32) < rng.uniform(0, 0.0008)
    grey[specks] = rng.uniform(0, 120)
    return np.clip(grey, 0, 255).astype(np.uint8)


def render(job: PageJob, out: Path, lstmf: bool) -> Path | None:
    """One page: text2image, damage, ground truth, and the .lstmf when asked; None if it failed."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    base = out / job.name
    if lstmf and base.with_suffix(".lstmf").exists() and not base.with_suffix(".tif").exists():
        return base.with_suffix(".lstmf")  # made whole by an earlier run that stopped (the .tif goes last)
    width, height = (int(side * job.resolution) for side in PAGE_INCHES)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as text:
        text.write("\n".join(job.lines) + "\n")
    try:
        made = subprocess.run(
            ["text2image", "--text", text.name, "--outputbase", str(base), "--font", job.font,
             "--fonts_dir", "/usr/share/fonts", "--resolution", str(job.resolution), "--ptsize", str(job.points),
             "--xsize", str(width), "--ysize", str(height), "--max_pages", "1", "--leading", "24",
             "--margin", "60", "--char_spacing", "0", "--strip_unrenderable_words=false"],
            capture_output=True, text=True, cwd=out)  # it leaves a fonts.conf where it runs
    finally:
        os.unlink(text.name)
    tif = base.with_suffix(".tif")
    if made.returncode != 0 or not tif.exists():
        print(f"{job.name}: text2image failed in {job.font}: {made.stderr[-300:]}", file=sys.stderr)
        return None
    page = cv2.imread(str(tif), cv2.IMREAD_GRAYSCALE)
    cv2.imwrite(str(tif), damage(page, np.random.default_rng(job.seed)))
    # text2image leaves out the lines that do not fit the page; its box file ends each line it set
    # with a tab box, so the truth is the lines it set.
    boxes = base.with_suffix(".box").read_text(encoding="utf-8").splitlines()
    ends = sum(1 for box in boxes if box.startswith("\t ")) + (bool(boxes) and not boxes[-1].startswith("\t "))
    set_lines = job.lines[:ends]
    base.with_suffix(".gt.txt").write_text("\n".join(set_lines) + "\n", encoding="utf-8")
    if lstmf:
        subprocess.run(["tesseract", str(tif), str(base), "--psm", "6", "lstm.train"],
                       capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        if not base.with_suffix(".lstmf").exists():
            print(f"{job.name}: no line-training file made", file=sys.stderr)
            return None
        tif.unlink()  # the .lstmf holds the page; hundreds of 400-dpi pages would fill the disk
        return base.with_suffix(".lstmf")
    return tif


def plan(lines: list[str], fonts: list[str], per_page: int, seed: int, prefix: str) -> list[PageJob]:
    """Pages of consecutive lines, fonts taken in turn, a resolution drawn for each."""
    rng = random.Random(seed)
    chunks = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    return [PageJob(f"{prefix}{n:05d}", chunk, fonts[n % len(fonts)], rng.choice(RESOLUTIONS),
                    rng.choice(POINT_SIZES), seed * 100003 + n)
            for n, chunk in enumerate(chunks)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", type=Path, required=True, help="the lines, one a line (record_text.py)")
    parser.add_argument("--font", action="append", required=True, help="a font name as text2image knows it")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lines-per-page", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default="page-")
    parser.add_argument("--lstmf", action="store_true", help="also make Tesseract line-training files")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lines = [line for line in args.text.read_text(encoding="utf-8").splitlines() if line.strip()]
    jobs = plan(lines, args.font, args.lines_per_page, args.seed, args.prefix)
    with ThreadPoolExecutor(args.jobs) as pool:
        made = [path for path in pool.map(lambda job: render(job, args.out, args.lstmf), jobs) if path]
    (args.out / "list.txt").write_text("".join(f"{path.resolve()}\n" for path in made), encoding="utf-8")
    print(f"{len(made)} of {len(jobs)} pages in {args.out}")
    return 0 if len(made) == len(jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
