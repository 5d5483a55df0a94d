"""Intake and page reading: stacks, settle time, manifests, and bad inputs named clearly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from domain.errors import UnreadableSource
from pipeline import pdftoppm
from pipeline.intake import LOOSE_STACK, NO_PLACE, discover_batches, plan_batch, read_manifest, stack_paths, unread_entries
from pipeline.pages import iter_pages, page_count, render_pdf_page

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PDF = ROOT / "sample_scans" / "inbox" / "anantnag" / "kokernag" / "2026-11-20" / "jamabandi_extract_hangalgund.pdf"


def settled(path: Path) -> Path:
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def page_image(path: Path, size=(800, 1000)) -> Path:
    Image.fromarray(np.full(size[::-1], 255, np.uint8)).save(path)
    return settled(path)


def test_a_batch_groups_folders_files_and_loose_pages_into_stacks(tmp_path):
    batch_path = tmp_path / "anantnag" / "bijbehara" / "night-1"
    (batch_path / "misl-1").mkdir(parents=True)
    page_image(batch_path / "misl-1" / "0001.png")
    page_image(batch_path / "misl-1" / "0002.png")
    page_image(batch_path / "scan_0001.jpg")
    page_image(batch_path / "scan_0002.jpg")
    Image.new("L", (100, 100), 255).save(batch_path / "stack.tif")
    settled(batch_path / "stack.tif")
    (batch_path / "manifest.csv").write_text("source,file_number,title\nmisl-1,REV/TSL-05/1990/1,Mutation\n")

    [batch] = discover_batches(tmp_path)
    ready, waiting = plan_batch(batch, settle_seconds=30)

    assert (batch.district, batch.tehsil, batch.name) == ("anantnag", "bijbehara", "night-1")
    assert {s.name: len(s.sources) for s in ready} == {"misl-1": 2, LOOSE_STACK: 2, "stack.tif": 1}
    assert waiting == []
    assert all(len(source.sha256) == 64 for s in ready for source in s.sources)
    assert read_manifest(batch).entries["misl-1"].title == "Mutation"


def test_a_file_still_being_copied_in_waits_for_the_next_run(tmp_path):
    batch_path = tmp_path / "d" / "t" / "b"
    batch_path.mkdir(parents=True)
    page_image(batch_path / "old.png")
    Image.new("L", (10, 10), 255).save(batch_path / "fresh.tif")  # mtime: now

    [batch] = discover_batches(tmp_path)
    ready, waiting = plan_batch(batch, settle_seconds=30)

    assert [s.name for s in ready] == [LOOSE_STACK]
    assert [w.stack for w in waiting] == ["fresh.tif"] and "still being copied" in waiting[0].reason


def test_empty_corrupt_encrypted_and_misnamed_files_are_refused_with_a_reason(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n garbage")
    encrypted = tmp_path / "encrypted.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="o", user="secret"))
    misnamed = tmp_path / "scan.jpg"
    misnamed.write_bytes(corrupt.read_bytes())

    for path, reason in ((empty, "empty"), (corrupt, "corrupt"), (encrypted, "encrypted"), (misnamed, "not a readable image")):
        with pytest.raises(UnreadableSource, match=reason):
            page_count(path)


def test_an_enormous_image_page_is_refused_before_it_is_decoded(tmp_path):
    huge = page_image(tmp_path / "huge.png", size=(3000, 3000))
    with pytest.raises(UnreadableSource, match="over the limit"):
        list(iter_pages(huge, max_pixels=1_000_000))


def test_pages_of_a_pdf_are_read_one_at_a_time(corpus):
    pages = iter_pages(corpus / "scans" / "ocrmypdf" / "cardinal.pdf", dpi=100)
    first = next(pages)
    assert first.index == 0 and first.image.ndim == 2 and first.dpi == 100
    assert len(list(pages)) == 3


def two_page_pdf(path: Path) -> Path:
    """A white page and a black page, 300 x 400 pixels at 100 dpi."""
    frames = [Image.fromarray(np.full((400, 300), level, np.uint8)) for level in (255, 0)]
    frames[0].save(path, save_all=True, append_images=frames[1:], resolution=100)
    return path


def test_a_pdf_page_that_cannot_be_rendered_is_refused_with_its_number(tmp_path):
    # GIVEN a two-page PDF
    pdf = two_page_pdf(tmp_path / "two.pdf")
    # WHEN a page past its end is rendered THEN the refusal names the page (1-based)
    with pytest.raises(UnreadableSource, match="cannot render PDF page 3"):
        render_pdf_page(pdf, 2, 100)


def test_render_page_writes_a_jpeg_of_the_width_asked(tmp_path):
    # GIVEN a two-page PDF
    pdf = two_page_pdf(tmp_path / "two.pdf")
    target = tmp_path / "cache" / "page-2.jpg"
    # WHEN its second page is rendered 150 pixels wide
    pdftoppm.render_page(pdf, 2, 150, target)
    # THEN the target is a JPEG of that page at that width, and nothing else is left beside it
    with Image.open(target) as image:
        assert image.format == "JPEG" and image.size == (150, 200)
        assert np.asarray(image.convert("L")).mean() < 50  # the black page, not the white one
    assert [p.name for p in target.parent.iterdir()] == ["page-2.jpg"]


def test_render_page_failure_names_the_page_and_leaves_no_image(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")
    target = tmp_path / "page-1.jpg"
    with pytest.raises(RuntimeError, match="page 1 of broken.pdf"):
        pdftoppm.render_page(broken, 1, 150, target)
    assert [p.name for p in tmp_path.iterdir()] == ["broken.pdf"]


def test_rendering_page_images_loads_no_image_library():
    # the web renders page images with pipeline.pdftoppm and must stay free of OpenCV and numpy
    code = "import sys, pipeline.pdftoppm; print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'cv2', 'PIL', 'zxingcpp', 'pyzbar'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_files_no_batch_holds_are_found_with_where_they_belong(tmp_path):
    # GIVEN files directly in the inbox, a district folder, a tehsil folder, and a batch copied one level too deep
    inbox = tmp_path / "inbox"
    (inbox / "anantnag").mkdir(parents=True)
    page_image(inbox / "stray.png")
    page_image(inbox / "anantnag" / "district.png")
    (inbox / "anantnag" / "bijbehara" / "night-1" / "night-1" / "misl-1").mkdir(parents=True)
    page_image(inbox / "anantnag" / "bijbehara" / "tehsil.png")
    page_image(inbox / "anantnag" / "bijbehara" / "night-1" / "night-1" / "misl-1" / "0001.png")
    page_image(inbox / "anantnag" / "bijbehara" / "night-1" / "night-1" / "cover.png")
    # WHEN the inbox is scanned
    found = {str(item.path.relative_to(inbox)): item for item in unread_entries(inbox)}
    # THEN each is found with its place as far as its folders say, and the reason says where scans go
    assert {path: (item.district, item.tehsil, item.batch) for path, item in found.items()} == {
        "stray.png": (NO_PLACE, NO_PLACE, NO_PLACE),
        "anantnag/district.png": ("anantnag", NO_PLACE, NO_PLACE),
        "anantnag/bijbehara/tehsil.png": ("anantnag", "bijbehara", NO_PLACE),
        "anantnag/bijbehara/night-1/night-1/misl-1/0001.png": ("anantnag", "bijbehara", "night-1"),
    }
    assert all(item.reason.endswith(f"scans go in {inbox}/<district>/<tehsil>/<batch>/") for item in found.values())
    assert "in a folder inside the stack folder night-1" in found["anantnag/bijbehara/night-1/night-1/misl-1/0001.png"].reason
    # AND the nested batch's stack folder takes only the pages directly in it, not the deeper stack's
    [batch] = discover_batches(inbox)
    assert {name: [p.name for p in paths] for name, paths in stack_paths(batch).items()} == {"night-1": ["cover.png"]}


def test_files_at_the_wrong_depth_wait_in_the_report_and_progress_until_moved(tmp_path):
    # GIVEN a born-digital PDF dropped in a tehsil folder instead of a batch folder
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    tehsil = inbox / "anantnag" / "kokernag"
    tehsil.mkdir(parents=True)
    misplaced = tehsil / "jamabandi.pdf"
    shutil.copy2(SAMPLE_PDF, misplaced)

    def daftar(*args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DAFTAR_HOME": str(home), "DAFTAR_SETTLE_SECONDS": "0"}
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)

    def waiting_in_progress() -> dict:
        tehsils = json.loads(daftar("progress", "--format", "json").stdout)["tehsils"]
        return {(t["district"], t["tehsil"]): t["waiting"] for t in tehsils if t["waiting"]}

    # WHEN the night runs
    first = daftar("run", str(inbox), "--json")
    # THEN it is not ignored: the report lists it as waiting with the reason, the catalog has it waiting
    assert first.returncode == 0, first.stderr
    reason = f"at the wrong depth (in a tehsil folder, not in a batch folder): scans go in {inbox}/<district>/<tehsil>/<batch>/"
    assert json.loads(first.stdout)["waiting"] == [
        {"district": "anantnag", "tehsil": "kokernag", "batch": NO_PLACE, "what": "anantnag/kokernag/jamabandi.pdf", "detail": reason}]
    assert waiting_in_progress() == {("anantnag", "kokernag"): 1}
    table = daftar("progress").stdout
    assert f"anantnag/kokernag: 1 source: {reason}" in table
    # WHEN it is moved into a batch folder and the night runs again
    (tehsil / "2026-11-20").mkdir()
    misplaced.rename(tehsil / "2026-11-20" / "jamabandi.pdf")
    second = daftar("run", str(inbox), "--json")
    # THEN it is processed, and nothing waits any more
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    assert len(report["done"]) == 1 and report["waiting"] == []
    assert waiting_in_progress() == {}
