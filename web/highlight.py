"""Found on the page: the words a search matched, marked on the page image and in its text.

The boxes are the words' own, from the ALTO the OCR run wrote for the page (`alto/page-NNNN.xml`
in the record folder, in the OCR image's pixels). The archival PDF's page is that image, so a box
as a fraction of the ALTO page's WIDTH and HEIGHT lies over the word on any rendering of the page;
the page view draws them as percentages, computed here, and needs no script. A page without ALTO
(archived before ALTO was kept, a born-digital PDF) is shown without boxes.

Which words match is decided by the search's own analysis (`indexers.analysis`): the same folding,
stemming and close matches. The page stands in for the index: a query word the page does not have
as typed is the one search matched approximately here, within the tolerance the index allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from indexers.analysis import Matcher, matcher, parse_query, tolerant_words, widened_words, words
from store.mets import alto_name

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
_ALTO_ERRORS = (OSError, etree.XMLSyntaxError, ValueError, TypeError)


@dataclass(frozen=True)
class AltoWord:
    content: str
    left: float  # ALTO pixels
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class AltoPage:
    width: float  # of the OCR image, in pixels
    height: float
    words: tuple[AltoWord, ...]


@dataclass(frozen=True)
class WordBox:
    """A matched word's box in percent of the page's width (left, width) and height (top, height)."""

    word: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class FoundOnPage:
    boxes: tuple[WordBox, ...]  # the matched words on the image; empty without positions or matches
    text: tuple[tuple[str, bool], ...]  # the page text in pieces, each marked matched or not
    has_positions: bool  # the page has ALTO: its matched words can be shown on the image


def read_alto(path: Path) -> AltoPage | None:
    """The words and their boxes of one page's ALTO; None if it is missing or unreadable."""
    try:
        tree = etree.parse(str(path), _PARSER)
        page = next(tree.iter("{*}Page"))
        width, height = float(page.get("WIDTH")), float(page.get("HEIGHT"))
        found = tuple(AltoWord(string.get("CONTENT") or "", float(string.get("HPOS")), float(string.get("VPOS")),
                               float(string.get("WIDTH")), float(string.get("HEIGHT")))
                      for string in tree.iter("{*}String"))
    except (*_ALTO_ERRORS, StopIteration):
        return None
    return AltoPage(width, height, found) if width > 0 and height > 0 else None


def page_matcher(query: str, page_text: str) -> Matcher | None:
    """What the search for `query` matched on a page with this text; None for a query of no words."""
    clauses = parse_query(query)
    if not clauses:
        return None
    held = {analyzed for _, _, analyzed in words(page_text)}
    tolerant = tolerant_words(clauses, lambda query_terms: {t for t in query_terms if t in held})
    return matcher(clauses, tolerant, widened_words(clauses, tolerant))


def is_match(word: str, matches: Matcher) -> bool:
    """Whether a word of the page (as OCR read it, punctuation and all) is one the search matched."""
    return any(matches(analyzed) for _, _, analyzed in words(word))


def word_boxes(page: AltoPage, matches: Matcher) -> tuple[WordBox, ...]:
    """The matched words' boxes, scaled from ALTO pixels to percent of the page and kept on it."""
    boxes = []
    for word in page.words:
        if not is_match(word.content, matches):
            continue
        left, top = _clamp(word.left / page.width), _clamp(word.top / page.height)
        right, bottom = _clamp((word.left + word.width) / page.width), _clamp((word.top + word.height) / page.height)
        if right > left and bottom > top:
            boxes.append(WordBox(word.content, round(left * 100, 3), round(top * 100, 3),
                                 round((right - left) * 100, 3), round((bottom - top) * 100, 3)))
    return tuple(boxes)


def marked_text(text: str, matches: Matcher | None) -> tuple[tuple[str, bool], ...]:
    """The text in pieces, the matched words apart: the template marks them (and escapes all)."""
    if matches is None:
        return ((text, False),) if text else ()
    pieces, cursor = [], 0
    for start, end, analyzed in words(text):
        if matches(analyzed):
            pieces += [(text[cursor:start], False), (text[start:end], True)]
            cursor = end
    pieces.append((text[cursor:], False))
    return tuple(piece for piece in pieces if piece[0])


def found_on_page(folder: Path, page_number: int, page_text: str, query: str) -> FoundOnPage:
    """The words `query` matched on one page of the record file archived in `folder`."""
    alto = read_alto(folder / alto_name(page_number))
    matches = page_matcher(query, page_text) if query else None
    boxes = word_boxes(alto, matches) if alto is not None and matches is not None else ()
    return FoundOnPage(boxes, marked_text(page_text, matches), alto is not None)


def _clamp(fraction: float) -> float:
    return min(max(fraction, 0.0), 1.0)
