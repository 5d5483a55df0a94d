"""The invisible text layer of an OCRed page, written from Tesseract's words and their boxes.

Tesseract's own PDF renderer draws an Arabic-script line with its text matrix running right to
left, so `pdftotext` reads the printed 1187 as 7811 and pdfplumber splits the line into
one-letter words. Extraction tools order what they read by its position on the page (poppler
then turns right-to-left stretches back into reading order; pdfminer keeps what it reads whole),
so this layer draws the words where they are printed, as a typeset page would:

- each right-to-left letter is a glyph of its own, the letters of a word placed right to left;
- every other run of a word (digits, Latin, Devanagari, punctuation) is one glyph whose
  ToUnicode entry is the run in logical order, so no tool can reorder a number's digits or a
  Devanagari word's vowel signs;
- a space glyph lies between two words, and words are drawn at least WORD_GAP apart however
  Tesseract's boxes touch, so every tool splits words there and nowhere else;
- every glyph of a line shares the line's baseline and size (the line's height: smaller sizes
  made poppler break English pages into columns), so tools keep the line together.

pdfplumber reads an Urdu page in reading order with `char_dir="rtl", char_dir_render="ltr"`
(its default, left to right, gives each Urdu word's letters reversed, as on any typeset page).
The font is glyphless: one blank glyph 500/1000 em wide, stretched over each glyph's box by the
text matrix, drawn invisible (render mode 3) over the page image.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.misc.timeTools import timestampFromString
from fontTools.pens.ttGlyphPen import TTGlyphPen

__all__ = ["Line", "Word", "lines_from_rows", "page_size", "write_text_layer"]

GLYPH_WIDTH = 0.5  # of the font size: the one glyph's advance, the same in the font and in /DW
MAX_RUN = 64  # characters per glyph: a ToUnicode entry holds at most 512 bytes
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
WORD_GAP = 0.2  # of the line height: the least space drawn between two words
FONT_DATE = timestampFromString("Mon Nov 30 00:00:00 2026")
MIN_WIDTH = 1.0  # pixels: the least room a word or a space gets


@dataclass(frozen=True)
class Word:
    text: str  # in logical order, as Tesseract read it
    left: float  # the box, in pixels of the page image
    width: float


@dataclass(frozen=True)
class Line:
    left: int
    top: int
    width: int
    height: int
    words: tuple[Word, ...]


def page_size(rows: list[dict[str, str]]) -> tuple[int, int]:
    """The page image's size in pixels, from Tesseract's word table (its level 1 row)."""
    page = next(row for row in rows if row["level"] == "1")
    return int(page["width"]), int(page["height"])


def lines_from_rows(rows: list[dict[str, str]]) -> list[Line]:
    """The lines of Tesseract's word table (`tesseract.read_tsv`), each with its words; empty
    words and bidi marks (the layer's order is its geometry) dropped."""
    boxes: dict[tuple[str, str, str], tuple[int, int, int, int]] = {}
    words: dict[tuple[str, str, str], list[Word]] = {}
    for row in rows:
        key = (row["block_num"], row["par_num"], row["line_num"])
        box = int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"])
        if row["level"] == "4":
            boxes[key] = box
        elif row["level"] == "5" and (text := (row["text"] or "").translate(BIDI_MARKS).strip()):
            words.setdefault(key, []).append(Word(text, box[0], box[2]))
    return [Line(*boxes[key], words=tuple(found)) for key, found in words.items() if key in boxes]


def direction_runs(text: str) -> list[tuple[bool, str]]:
    """`text` cut where it turns between right-to-left letters and anything else, in logical
    order: (right_to_left, run). Combining marks stay with the letter before them."""
    runs: list[tuple[bool, str]] = []
    for char in text:
        kind = unicodedata.bidirectional(char)
        rtl = kind in ("R", "AL")
        if runs and (kind == "NSM" or runs[-1][0] == rtl) and len(runs[-1][1]) < MAX_RUN:
            runs[-1] = (runs[-1][0], runs[-1][1] + char)
        else:
            runs.append((rtl, char))
    return runs


def placed_runs(word: Word) -> list[tuple[float, float, str]]:
    """A word's glyphs over its box, left to right: (left, width, text), in pixels: a glyph for
    each right-to-left letter, one for each other run. Each glyph gets the share of the box its
    characters have; a right-to-left word's glyphs go right to left."""
    runs = direction_runs(word.text)
    pieces = [piece for rtl, run in runs for piece in (list(run) if rtl else [run])]
    placed, offset = [], 0.0
    for piece in pieces:
        width = word.width * len(piece) / len(word.text)
        placed.append((offset, width, piece))
        offset += width
    if any(rtl for rtl, _ in runs):
        placed = [(word.width - left - width, width, run) for left, width, run in placed]
    return sorted((word.left + left, width, run) for left, width, run in placed)


def line_glyphs(line: Line) -> list[tuple[float, float, str]]:
    """A line's glyphs, left to right: (left, width, text) in pixels, a space between words."""
    glyphs: list[tuple[float, float, str]] = []
    previous_end: float | None = None
    for word, left, right in word_slots(line):
        if previous_end is not None:
            glyphs.append((previous_end, left - previous_end, " "))
        glyphs += placed_runs(Word(word.text, left, right - left))
        previous_end = right
    return glyphs


def word_slots(line: Line) -> list[tuple[Word, float, float]]:
    """The line's words left to right (by the middle of their boxes), each with the stretch it is
    drawn over: its box, moved apart from its neighbours' by at least WORD_GAP of the line height
    where Tesseract's boxes touch or overlap (poppler puts spaces where the gaps are, and a tool
    that sorts glyphs by position must never mix two words)."""
    ordered = sorted(line.words, key=lambda w: w.left + w.width / 2)
    edges = [[float(w.left), float(w.left + w.width)] for w in ordered]
    gap = WORD_GAP * line.height
    for before, after in zip(edges, edges[1:]):
        if after[0] - before[1] < gap:
            cut = (before[1] + after[0]) / 2 if before[1] <= after[0] else (sum(before) + sum(after)) / 4
            before[1], after[0] = min(before[1], cut - gap / 2), max(after[0], cut + gap / 2)
    for number, edge in enumerate(edges):  # a word squeezed to nothing keeps MIN_WIDTH, those after it move
        if number:
            edge[0] = max(edge[0], edges[number - 1][1] + MIN_WIDTH)
        edge[1] = max(edge[1], edge[0] + MIN_WIDTH)
    return [(word, left, right) for word, (left, right) in zip(ordered, edges)]


def write_text_layer(lines: list[Line], size: tuple[int, int], dpi: int, out: Path) -> Path:
    """Write the text layer of a page image of `size` pixels at `dpi` as a one-page PDF whose
    page is the image's size."""
    scale = 72 / dpi
    codes: dict[str, int] = {}
    content = ["BT", "3 Tr"]  # render mode 3: invisible
    for line in lines:
        font_size = line.height * scale
        baseline = (size[1] - line.top - line.height) * scale
        content.append(f"/T1 {font_size:.2f} Tf")
        for left, width, text in line_glyphs(line):
            code = codes.setdefault(text, len(codes) + 1)
            content.append(_glyph(code, left * scale, width * scale, baseline, font_size))
    content.append("ET")
    with pikepdf.new() as pdf:
        page = pdf.add_blank_page(page_size=(size[0] * scale, size[1] * scale))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(T1=_font(pdf, codes)))
        page.Contents = pdf.make_stream("\n".join(content).encode("ascii"))
        pdf.save(out)
    return out


def _glyph(code: int, left: float, width: float, baseline: float, font_size: float) -> str:
    stretch = width / (GLYPH_WIDTH * font_size)  # the text matrix widens the glyph to its box
    return f"{stretch:.4f} 0 0 1 {left:.2f} {baseline:.2f} Tm <{code:04X}> Tj"


def _font(pdf: pikepdf.Pdf, codes: dict[str, int]) -> pikepdf.Object:
    """A composite font of the glyphless glyph: every code drawn with it, read as its text."""
    cid_to_gid = b"\x00\x01" * (len(codes) + 1)  # every code draws glyph 1, the blank one
    font_file = pdf.make_stream(glyphless_font())
    font_file.Length1 = len(glyphless_font())
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.DaftarTextLayer, Flags=4,
        FontBBox=[0, 0, 500, 1000], ItalicAngle=0, Ascent=1000, Descent=0, CapHeight=1000, StemV=80,
        FontFile2=font_file)
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name.DaftarTextLayer,
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), DW=int(GLYPH_WIDTH * 1000),
        CIDToGIDMap=pdf.make_stream(cid_to_gid))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.DaftarTextLayer,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=pdf.make_stream(to_unicode(codes))))


def to_unicode(codes: dict[str, int]) -> bytes:
    """The ToUnicode CMap that reads each code as its text (at most 100 entries a block)."""
    entries = [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for text, code in codes.items()]
    blocks = [entries[i:i + 100] for i in range(0, len(entries), 100)]
    body = "".join(f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar\n" for block in blocks)
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body +
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


@cache
def glyphless_font() -> bytes:
    """A TrueType font of one blank glyph (and .notdef), 500 units wide on a 1000-unit em."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "blank": empty})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "blank": (500, 0)})
    builder.setupHorizontalHeader(ascent=1000, descent=0)
    builder.setupNameTable({"familyName": "DaftarTextLayer", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=1000, sTypoDescender=0, usWinAscent=1000, usWinDescent=0)
    builder.setupPost()
    builder.font["head"].created = builder.font["head"].modified = FONT_DATE  # the same bytes on every run
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
