"""Nothing lost, whatever arrives: a corpus of bad and odd inputs, made here, run as ONE night through
the real pipeline. Each kind ends in the state this test names (done, waiting or quarantined, with
a reason), the night never stops for one of them, originals stay byte-identical, nothing outside
the inbox is read, and every entry of the tree has its row in the catalog."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from night.run import StackJob, run_inbox
from store.catalog import Catalog

NIGHT = dt.datetime(2026, 11, 21, 23, 30)
FONT = ImageFont.load_default(size=28)
DPI = 150


def text_page(mode: str = "L", size: tuple[int, int] = (450, 150)) -> Image.Image:
    """A few words of black text, 3 x 1 inches at 150 dpi: quick to OCR."""
    background = {"L": 255, "RGBA": (0, 0, 0, 0), "I;16": 65535}[mode]
    page = Image.new(mode, size, background)
    ink = {"L": 0, "RGBA": (0, 0, 0, 255), "I;16": 0}[mode]
    ImageDraw.Draw(page).text((20, 50), "Khasra 245 Anantnag", fill=ink, font=FONT)
    return page


def png(path: Path, page: Image.Image | None = None, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (page or text_page()).save(path, format="PNG", dpi=options.pop("dpi", (DPI, DPI)), **options)
    return path


def palette_with_transparency(path: Path) -> Path:
    """Black text on a transparent background whose own palette colour is black too."""
    page = Image.new("P", (450, 150), 0)
    page.putpalette([0, 0, 0, 0, 0, 0])
    ImageDraw.Draw(page).text((20, 50), "Khasra 245 Anantnag", fill=1, font=FONT)
    return png(path, page, transparency=0)


def tiff_with_a_corrupt_frame(path: Path) -> Path:
    frames = [text_page() for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(DPI, DPI))
    with Image.open(path) as image:
        image.seek(1)
        offset = image.tile[0][2]
    data = bytearray(path.read_bytes())
    data[offset:offset + 64] = b"\xff" * 64  # the second frame's compressed data is garbage now
    path.write_bytes(bytes(data))
    return path


def pdf(path: Path, pages: list[tuple[float, float]], encrypt: bool = False) -> Path:
    with pikepdf.new() as document:
        for width, height in pages:
            document.add_blank_page()
            document.pages[-1].mediabox = [0, 0, width, height]  # pikepdf itself refuses pages over 14400 pt
        document.save(path, **({"encryption": pikepdf.Encryption(owner="o", user="secret")} if encrypt else {}))
    return path


def pdf_with_undecodable_jbig2(path: Path) -> Path:
    with pikepdf.new() as document:
        document.add_blank_page(page_size=(200, 100))
        page = document.pages[0]
        image = pikepdf.Stream(document, b"\x00\x01not jbig2 at all" * 20)
        image.Type, image.Subtype, image.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.JBIG2Decode
        image.Width, image.Height, image.BitsPerComponent, image.ColorSpace = 200, 100, 1, pikepdf.Name.DeviceGray
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = document.make_stream(b"q 200 0 0 100 0 0 cm /Im0 Do Q")
        document.save(path)
    return path


def saved(path: Path, page: Image.Image, format: str, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path, format=format, dpi=(DPI, DPI), **options)
    return path


def pdf_failing_on_its_second_page(path: Path, scratch: Path) -> Path:
    """A scanned first page that reads, then a page whose image cannot be decoded."""
    import img2pdf
    good = png(scratch / "first.png")
    with pikepdf.open(pdf_with_undecodable_jbig2(scratch / "bad.pdf")) as bad, pikepdf.open(io.BytesIO(img2pdf.convert(str(good)))) as document:
        document.pages.append(bad.pages[0])
        document.save(path)
    return path


def pdf_with_a_broken_xref(path: Path, scratch: Path) -> Path:
    import img2pdf
    data = img2pdf.convert(str(png(scratch / "xref.png")))
    at = data.rindex(b"startxref")
    return write(path, data[:at] + b"startxref\n999999\n%%EOF\n")


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def bad_name(folder: Path, raw: bytes) -> Path:
    """A path whose last name is these bytes, however they decode."""
    return folder / os.fsdecode(raw)


def build_corpus(root: Path) -> tuple[Path, dict[str, tuple[Path, str, str]]]:
    """The inbox, and kind -> (its path, the state it must end in, a substring of its reason)."""
    inbox, outside = root / "inbox", root / "outside"
    night1 = inbox / "anantnag" / "kokernag" / "night-1"
    night2 = inbox / "anantnag" / "kokernag" / "night-2"
    png(outside / "elsewhere" / "0001.png")
    write(outside / "secret.txt", b"root:x:0:0:secret outside the inbox\n")
    kinds: dict[str, tuple[Path, str, str]] = {}

    def kind(name: str, path: Path, state: str, reason: str = "") -> None:
        kinds[name] = (path, state, reason)

    # good pages, read as they would print
    kind("plain page", png(night1 / "scan_0001.png"), "done")
    kind("RGBA transparent page", png(night1 / "scan_0002.png", text_page("RGBA")), "done")
    kind("palette page with transparency", palette_with_transparency(night1 / "scan_0003.png"), "done")
    kind("16-bit grey page", png(night1 / "scan_0004.png", text_page("I;16")), "done")
    kind("black-and-white page", png(night1 / "scan_0008.png", text_page().convert("1")), "done")
    kind("Urdu file name", png(night1 / "خسرہ.png"), "done")
    kind("folder stack", png(night1 / "misl-1" / "0001.png"), "done")
    kind("folder named _loose", png(night1 / "_loose" / "0001.png"), "waiting", "a folder named _loose")
    # pages that cannot be what they claim: quarantined with the reason, never retried
    kind("1x1 pixel image", png(night1 / "scan_0005.png", Image.new("L", (1, 1), 0)), "quarantined", "too small")
    kind("PNG at 100000 dpi", png(night1 / "scan_0006.png", dpi=(100000, 100000)), "quarantined", "at 100000 per inch")
    kind("truncated PNG", write(night1 / "scan_0007.png", png(root / "whole.png").read_bytes()[:300]), "quarantined", "not a readable image")
    kind("PDF page over 14400 pt", pdf(night1 / "banner.pdf", [(20000, 500)]), "quarantined", "larger than any paper")
    kind("PDF with no pages", pdf(night1 / "nothing.pdf", []), "quarantined", "no pages")
    kind("undecodable JBIG2 image", pdf_with_undecodable_jbig2(night1 / "jbig2.pdf"), "quarantined", "cannot be decoded")
    kind("TIFF with a corrupt frame", tiff_with_a_corrupt_frame(night1 / "stack.tif"), "quarantined", "not a readable image")
    kind("empty file", write(night1 / "empty.pdf", b""), "quarantined", "empty file")
    kind("corrupt PDF", write(night1 / "corrupt.pdf", b"%PDF-1.4\n garbage"), "quarantined", "corrupt PDF")
    kind("encrypted PDF", pdf(night1 / "locked.pdf", [(300, 300)], encrypt=True), "quarantined", "encrypted")
    kind("PDF named .jpg", write(night1 / "misnamed.jpg", b"%PDF-1.4\n garbage"), "quarantined", "not a readable image")
    kind("unsupported type", write(night1 / "notes.txt", b"a note"), "quarantined", "unsupported file type")
    # names
    kind("name not UTF-8", png(bad_name(night1, b"scan_\xff\xfe.png")), "quarantined", "not valid UTF-8")
    kind("folder name not UTF-8", png(bad_name(night1, b"misl-\xe9") / "0001.png"), "quarantined", "not valid UTF-8")
    kind("name of 204 bytes", png(night1 / ("n" * 200 + ".png")), "quarantined", "too long (204 bytes")
    kind("name of 250 bytes", png(night1 / ("l" * 246 + ".png")), "quarantined", "too long (250 bytes")
    # hidden and special entries: not read, each with its row
    kind("hidden file", write(night1 / ".DS_Store", b"\x00\x01"), "waiting", "hidden file")
    kind("page in a hidden folder", png(night1 / ".sync" / "0001.png"), "waiting", "hidden folder")
    fifo = night1 / "pipe.png"
    os.mkfifo(fifo)
    kind("FIFO", fifo, "waiting", "a FIFO")
    socket_path = night1 / "socket"
    os.mknod(socket_path, stat.S_IFSOCK | 0o600)
    kind("socket", socket_path, "waiting", "a socket")
    # links: never followed
    for name, target in (("dangling link", night1 / "gone.png"), ("link to /etc/passwd", Path("/etc/passwd")),
                         ("link to a file outside", outside / "secret.txt"), ("link to a folder outside", outside / "elsewhere"),
                         ("link to its own batch", night1), ("link to a page inside", night1 / "scan_0001.png")):
        link = night1 / f"{name.replace(' ', '-').replace('/', '')}.lnk"
        link.symlink_to(target)
        kind(name, link, "quarantined", "symbolic link")
    kinds["dangling link"] = (kinds["dangling link"][0], "quarantined", "(dangling)")
    link = inbox / "anantnag" / "linked-tehsil"
    link.symlink_to(outside)
    kind("tehsil folder linked outside", link, "quarantined", "symbolic link")
    # places no batch holds: they wait until moved
    kind("file in the inbox", png(inbox / "stray.png"), "waiting", "directly in the inbox")
    kind("file in a district folder", png(inbox / "anantnag" / "district.png"), "waiting", "in a district folder")
    kind("file in a tehsil folder", png(inbox / "anantnag" / "kokernag" / "tehsil.png"), "waiting", "in a tehsil folder")
    kind("file below a stack folder", png(night1 / "misl-1" / "deeper" / "0001.png"), "waiting", "inside the stack folder misl-1")
    # manifests: a bad row is skipped, an unreadable manifest is quarantined; their stacks run without them
    kind("manifest with absurd values", write(night1 / "manifest.csv", (
        "source,file_number,title,year\nmisl-1,,Mutation,99999999999999999999\n"
        f"_loose,,{'x' * 600},1987\n").encode()), "done", "row 2 skipped: year 99999999999999999999 is not a year")
    kind("manifest not UTF-8", write(night2 / "manifest.csv", b"source,title\nscan_0001.png,\xff\xfe bad\n"), "quarantined", "not UTF-8")
    kind("page of a batch with a bad manifest", png(night2 / "scan_0001.png"), "done")
    # more odd pages and files, as scanners and people make them
    night3 = inbox / "anantnag" / "kokernag" / "night-3"
    kind("all-black page", png(night3 / "black.png", Image.new("L", (450, 150), 0)), "done")
    kind("PDF failing on its second page", pdf_failing_on_its_second_page(night3 / "two.pdf", root), "quarantined", "no page of it kept")
    kind("zero-byte TIFF", write(night3 / "zero.tif", b""), "quarantined", "empty file")
    kind("truncated JPEG", write(night3 / "cut.jpg", saved(root / "whole.jpg", text_page(), "JPEG").read_bytes()[:400]), "quarantined", "not a readable image")
    kind("PNG named .tif", png(night3 / "png.tif"), "done")
    kind("PDF with a broken xref", pdf_with_a_broken_xref(night3 / "xref.pdf", root), "done")
    kind("16-bit TIFF", saved(night3 / "deep.tif", text_page("I;16"), "TIFF"), "done")
    kind("CMYK JPEG", saved(night3 / "cmyk.jpg", text_page().convert("CMYK"), "JPEG"), "done")
    kind("1-bit Group 4 TIFF", saved(night3 / "g4.tif", text_page().convert("1"), "TIFF", compression="group4"), "done")
    kind("GIF", saved(night3 / "page.gif", text_page(), "GIF"), "quarantined", "unsupported file type .gif")
    kind("BMP", saved(night3 / "page.bmp", text_page(), "BMP"), "quarantined", "unsupported file type .bmp")
    kind("WebP", saved(night3 / "page.webp", text_page(), "WEBP"), "quarantined", "unsupported file type .webp")
    kind("text file named .pdf", write(night3 / "letter.pdf", b"Dear Sir, please find attached.\n"), "quarantined", "corrupt PDF")
    kind("name of only spaces", png(night3 / "   "), "quarantined", "unsupported file type")
    kind("name with a newline", png(night3 / "scan\n0001.png"), "done")
    kind("JPEG named .png", saved(night3 / "jpeg.png", text_page(), "JPEG"), "done")
    kind("grey JPEG with alpha-less RGB", saved(night3 / "rgb.jpg", text_page().convert("RGB"), "JPEG"), "done")
    kind("LZW TIFF of two pages", saved(night3 / "lzw.tif", text_page(), "TIFF", compression="tiff_lzw", save_all=True,
                                        append_images=[text_page()]), "done")
    kind("a very deep folder", png(night3.joinpath(*["deep"] * 30, "0001.png")), "waiting", "inside the stack folder deep")
    return inbox, kinds


def tree(inbox: Path) -> dict[Path, bytes | str | None]:
    """Every entry of the tree that is not a folder (links listed, never followed): its bytes, a link's target."""
    found: dict[Path, bytes | str | None] = {}
    for folder, folders, files in os.walk(inbox):
        for name in [*files, *(f for f in folders if os.path.islink(os.path.join(folder, f)))]:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            found[path] = os.readlink(path) if stat.S_ISLNK(mode) else path.read_bytes() if stat.S_ISREG(mode) else None
    return found


def test_one_night_over_every_bad_input_ends_each_in_a_state_a_person_can_see(tmp_path, settings):
    # GIVEN an inbox with every kind of odd or broken input, next to a folder outside it
    inbox, kinds = build_corpus(tmp_path)
    home = tmp_path / "home"
    assert len(kinds) >= 60
    before = tree(inbox)

    # WHEN one night runs over it with the real pipeline
    report = run_inbox(inbox, home, settings, NIGHT)

    # THEN the night finished, and each kind is in the state named, with its reason
    catalog = Catalog.open(home)
    try:
        ended = {kind: catalog.source(path) for kind, (path, _, _) in kinds.items()}
        rows = {source.path for source in catalog.sources()}
        records = catalog.record_files()
    finally:
        catalog.close()
    wrong = {kind: (row.state, row.reason) if row else None for kind, row in ended.items()
             if row is None or row.state != kinds[kind][1] or kinds[kind][2] not in (row.reason or "")}
    assert wrong == {}
    # AND every entry of the tree has its row, names that are not UTF-8 readable in it
    from domain.text import printable_name
    assert {printable_name(str(path)) for path in tree(inbox)} <= rows
    assert any("scan_\\xff\\xfe.png" in row for row in rows)
    # AND the originals are byte-identical, links untouched
    assert tree(inbox) == before
    # AND nothing outside the inbox was read: no quarantine copy of a link, nothing archived from outside
    quarantined = [p for p in (home / "quarantine").rglob("*") if p.is_file()]
    assert not any(b"root:x:0:0" in p.read_bytes() for p in quarantined)
    assert not any(p.name.endswith(".lnk") for p in quarantined)
    sources = [(row.batch, source["path"]) for row in records
               for source in json.loads((home / row.archive_dir / "record.json").read_text())["sources"]]
    assert len(sources) == len(set(sources)) and not any("elsewhere" in path or ".lnk" in path for _, path in sources)
    # AND a long name's quarantine copy is shortened, its reason file naming it in full
    [long_reason] = [p for p in quarantined if p.name.endswith(".reason.txt") and p.name.startswith("l" * 100)]
    assert "original name: night-1/" + "l" * 246 + ".png" in long_reason.read_text()
    # AND pages are what they were: transparent, 16-bit and black-and-white pages are not blank, no page of the corrupt TIFF is archived
    pages = {page["source"]: page for row in records if row.batch == "night-1"
             for page in json.loads((home / row.archive_dir / "record.json").read_text())["pages"]}
    good = ("scan_0001.png", "scan_0002.png", "scan_0003.png", "scan_0004.png", "scan_0008.png")
    assert {name: pages[name]["blank"] for name in good} == dict.fromkeys(good, False)
    assert "stack.tif" not in pages and "خسرہ.png" in pages
    # AND a source failing on a later page is archived whole or not at all; an all-black page is OCRed, flagged dark
    night3 = {source["path"]: row for row in records if row.batch == "night-3"
              for source in json.loads((home / row.archive_dir / "record.json").read_text())["sources"]}
    assert "two.pdf" not in night3
    black = json.loads((home / night3["black.png"].archive_dir / "record.json").read_text())
    assert any(flag.startswith("dark-page") for flag in black["flags"]) and not black["pages"][0]["blank"]
    # AND the report says it all: the bad manifest row flagged, the links quarantined
    assert any(line.what == "manifest.csv" and "row 2 skipped" in line.detail for line in report.flagged)
    assert {line.what for line in report.quarantined} >= {"anantnag/kokernag/night-1/link-to-etcpasswd.lnk", "anantnag/linked-tehsil"}


class Raises:
    def __init__(self, error: Exception):
        self.error = error

    def result(self):
        raise self.error


def test_a_stack_that_fails_the_same_way_on_n_runs_is_quarantined(tmp_path, settings):
    # GIVEN a stack our code fails on, every run, the same way
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    page = png(inbox / "anantnag" / "kokernag" / "night-1" / "scan_0001.png")

    def runner(jobs: list[StackJob]):
        return [(job, Raises(KeyError("a bug of ours"))) for job in jobs]

    # WHEN the night runs as often as the setting allows retries
    limit = settings.intake.quarantine_after_failures
    reports = [run_inbox(inbox, home, settings, NIGHT + dt.timedelta(days=n), runner=runner) for n in range(limit + 1)]

    # THEN it waits for the first runs, is quarantined on the last, and the run after has nothing to do
    assert [len(r.waiting) for r in reports[:limit - 1]] == [1] * (limit - 1)
    assert [line.detail for line in reports[limit - 1].quarantined] == [f"processing failed the same way on {limit} runs: KeyError: 'a bug of ours'"]
    assert reports[limit].skipped_stacks == 1
    catalog = Catalog.open(home)
    try:
        assert catalog.source(page).state == "quarantined"
    finally:
        catalog.close()


@pytest.mark.parametrize("kind", ["1x1", "dpi"])
def test_pages_too_small_to_be_paper_are_refused_before_they_are_read(tmp_path, kind):
    # GIVEN a 1x1 pixel image, and a page declaring 100000 dpi
    from domain.errors import UnreadableSource
    from pipeline.pages import page_count
    path = png(tmp_path / "page.png", Image.new("L", (1, 1), 0)) if kind == "1x1" else png(tmp_path / "page.png", dpi=(100000, 100000))
    # WHEN its pages are counted THEN it is refused, saying why
    with pytest.raises(UnreadableSource, match="too small to be a scanned page"):
        page_count(path)


def test_a_quarantine_copy_that_fills_the_disk_leaves_no_half_file_and_says_disk_full(tmp_path, monkeypatch):
    # GIVEN a bad file, and a disk that fills up half way through copying it (a fake: one function's test)
    import errno
    import shutil
    from domain.errors import is_disk_full
    from store import archive
    original = write(tmp_path / "inbox" / "bad.pdf", b"%PDF-1.4\n" + b"x" * 4096)

    def fill_up(reading, writing, length=0):
        writing.write(reading.read(1000))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", fill_up)
    # WHEN it is quarantined THEN the error is a full disk's
    with pytest.raises(OSError) as raised:
        archive.quarantine_entry(tmp_path / "home", "anantnag", "kokernag", ("night-1", "bad.pdf"), original, "corrupt PDF")
    assert is_disk_full(raised.value)
    # AND no half-written copy is left in the quarantine, the original untouched
    assert [p.name for p in (tmp_path / "home" / "quarantine").rglob("*") if p.is_file()] == []
    assert original.read_bytes().startswith(b"%PDF-1.4\n")
