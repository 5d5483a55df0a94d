"""Snippets in the words of the page: a stretch of the page as OCR read it (never its folded or
stemmed terms), the words the search matched between [[ and ]]. Both backends make them here."""

from __future__ import annotations

import re

from indexers.analysis import Matcher, matched_words

SNIPPET_CHARS = 200
LEAD_CHARS = 50  # page text shown before the first match
MAX_MATCHES_READ = 50  # matched words read to choose the snippet's stretch (a long page stops there)
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    # The page's own brackets must not read as marks (OCR wrote "80]]1979" on a sample page).
    return text.replace("[[", "[ [").replace("]]", "] ]")


def snippet(text: str, matches: Matcher, width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the stretch where most of the query's words
    matched, every matched word in it marked; the page's start when no word matched (a title hit)."""
    found = _matched_words(text, matches, width)
    begin, stop, spans = 0, min(len(text), width), []
    if found:
        first = _best_window(found, width - LEAD_CHARS)
        begin = _word_start(text, max(0, found[first][0] - LEAD_CHARS), found[first][0])
        stop = min(len(text), begin + width)
        spans = [(start, end) for start, end, _ in found[first:] if start < stop]
        stop = max(stop, spans[-1][1])
    stop = _word_end(text, stop)
    pieces, cursor = [], begin
    for start, end in spans:
        pieces += [_plain(text[cursor:start]), "[[", _plain(text[start:end]), "]]"]
        cursor = end
    pieces.append(_plain(text[cursor:stop]))
    shown = _SPACE.sub(" ", "".join(pieces)).strip()
    prefix = "… " if text[:begin].strip() else ""
    suffix = " …" if text[stop:].strip() else ""
    return prefix + shown + suffix


def _matched_words(text: str, matches: Matcher, width: int) -> list[tuple[int, int, str]]:
    """The matched words `snippet` chooses from. Reading stops once a stretch holds every exact
    term of the query and the text past that stretch's width is reached: no later stretch can
    hold more, and the earliest of equals is the one shown (most pages of a common word stop
    in their first lines)."""
    found: list[tuple[int, int, str]] = []
    wanted = len(matches.exact) if not matches.close else 0
    span = width - LEAD_CHARS  # as _best_window counts a stretch
    read_until = len(text)
    for start, end, page_term in matched_words(text, matches):
        if start >= read_until:
            break
        found.append((start, end, page_term))
        if len(found) >= MAX_MATCHES_READ:
            break
        if wanted and read_until == len(text) and len({t for s, _, t in found if s > start - span}) >= wanted:
            read_until = start + width
    return found


def _best_window(found: list[tuple[int, int, str]], span: int) -> int:
    """The matched word that starts the window holding the most different matched terms."""
    best, best_count = 0, 0
    for i, (start, _, _) in enumerate(found):
        count = len({t for s, _, t in found[i:] if s < start + span})
        if count > best_count:
            best, best_count = i, count
    return best


def _word_start(text: str, position: int, limit: int) -> int:
    """The start of the first whole word at or after `position` (not past `limit`)."""
    if position == 0 or text[position - 1].isspace():
        return position
    space = _SPACE.search(text, position, limit)
    return space.end() if space else limit


def _word_end(text: str, position: int) -> int:
    """`position`, moved on to the end of the word it falls inside."""
    if position >= len(text) or text[position].isspace() or (position and text[position - 1].isspace()):
        return position
    space = _SPACE.search(text, position)
    return space.start() if space else len(text)
