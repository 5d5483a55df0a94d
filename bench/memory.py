"""Peak memory and temp disk of `daftar run` on one long record file, against a short one.

A 500-page file must not need more memory or temp disk than a few pages' worth: pages are read
one at a time and OCRed in chunks. This runs the whole batch on a record file of N pages and of
N/10 pages, in the same run, and prints peak RSS (daftar and all its OCR processes together) and
peak size of the home's work folder for each, and how much of that is per-page files (the rest
is the archival PDF being built: the output itself, moved into the archive at the end).

    .venv/bin/python bench/memory.py [--pages 200]

Pages are 300 dpi A4 with a few typed lines (quick to OCR, full-size to hold in memory).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def write_tiff(path: Path, pages: int) -> None:
    """A multi-page Group 4 TIFF, written page by page."""
    font = ImageFont.truetype(FONT, 42)

    def page(number: int) -> Image.Image:
        image = Image.new("1", (2480, 3508), 1)
        draw = ImageDraw.Draw(image)
        for line in range(4):
            draw.text((200, 300 + 90 * line), f"Page {number} line {line}: mutation of khasra {number * 7 + line}", font=font, fill=0)
        return image

    first = page(1)
    first.save(path, save_all=True, compression="group4", dpi=(300, 300),
               append_images=(page(n) for n in range(2, pages + 1)))


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack += [int(c) for c in children.read().split()]
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(all bytes, bytes of per-page files: page images and their OCR output, `page-*`). The
    rest is the archival PDF being built, the output itself, moved into the archive at the end."""
    total = pages = 0
    for path in folder.rglob("*"):
        try:
            size = path.stat().st_size if path.is_file() else 0
        except FileNotFoundError:
            continue
        total += size
        if path.name.startswith("page-"):
            pages += size
    return total, pages


def watch_peaks(process: subprocess.Popen, work: Path | None = None) -> dict[str, int]:
    """Wait for the process, sampling every 0.2 s: peak RSS of its whole tree (KiB) and, given a
    work folder, its peak size and peak size of per-page files (bytes)."""
    peaks = {"rss": 0, "work": 0, "scratch": 0}

    def watch() -> None:
        while process.poll() is None:
            peaks["rss"] = max(peaks["rss"], tree_rss_kib(process.pid))
            if work is not None:
                total, pages = folder_bytes(work)
                peaks["work"], peaks["scratch"] = max(peaks["work"], total), max(peaks["scratch"], pages)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    process.wait()
    watcher.join()
    return peaks


def measure(pages: int, folder: Path) -> tuple[float, int, int, int]:
    inbox, home = folder / f"inbox-{pages}", folder / f"home-{pages}"
    batch = inbox / "anantnag" / "bijbehara" / "bench"
    batch.mkdir(parents=True)
    write_tiff(batch / "long-file.tif", pages)
    old = time.time() - 3600
    os.utime(batch / "long-file.tif", (old, old))
    env = {**os.environ, "DAFTAR_HOME": str(home)}
    started = time.perf_counter()
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "daftar"), "run", str(inbox), "--json"], env=env,
                               stdout=subprocess.DEVNULL)
    peaks = watch_peaks(process, home / "work")
    if process.returncode != 0:
        raise SystemExit(f"daftar run failed with exit {process.returncode}")
    return time.perf_counter() - started, peaks["rss"], peaks["work"], peaks["scratch"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daftar-memory-") as tmp:
        rows = [(n, *measure(n, Path(tmp))) for n in (max(1, args.pages // 10), args.pages)]
    print(f"{'pages':>6} {'seconds':>8} {'peak RSS MiB':>13} {'peak work MiB':>14} {'of it page files':>17}")
    for pages, seconds, rss, work, scratch in rows:
        print(f"{pages:6d} {seconds:8.1f} {rss / 1024:13.1f} {work / 2**20:14.1f} {scratch / 2**20:17.1f}")
    ratio = rows[1][2] / rows[0][2]
    print(f"{rows[1][0] // rows[0][0]}x the pages -> {ratio:.2f}x the peak memory")


if __name__ == "__main__":
    main()
