"""Snippets: Elasticsearch highlights the folded text; these put the marks back onto the page as
OCR read it, so a record keeper reads the original spelling."""

from __future__ import annotations

import bisect
import re

from domain.text import fold

SNIPPET_CHARS = 200


class FoldedText:
    """A page's folded text, and the way back from a position in it to the original page.

    Folded word by word (white space never folds into anything), so the way back is a binary
    search over words, and character by character only inside the one word whose folded length
    differs (a dropped mark, a composed letter)."""

    _TOKEN = re.compile(r"\s+|\S+")

    def __init__(self, original: str) -> None:
        self.original = original
        self._folded_starts: list[int] = []
        self._original_starts: list[int] = []
        self._tokens: list[tuple[str, str]] = []
        parts: list[str] = []
        position = 0
        for match in self._TOKEN.finditer(original):
            piece = fold(match.group(), lower=False)
            self._folded_starts.append(position)
            self._original_starts.append(match.start())
            self._tokens.append((match.group(), piece))
            parts.append(piece)
            position += len(piece)
        self.folded = "".join(parts)

    def original_index(self, position: int) -> int:
        """Index in the original of the character folded position `position` came from."""
        i = bisect.bisect_right(self._folded_starts, position) - 1
        token, piece = self._tokens[i]
        inner = position - self._folded_starts[i]
        if len(token) != len(piece):
            origin = [j for j, ch in enumerate(token) for _ in fold(ch, lower=False)]
            inner = origin[inner] if len(origin) == len(piece) else min(inner, len(token) - 1)
        return self._original_starts[i] + inner

    def original_end(self, end: int) -> int:
        """Exclusive end in the original for folded end `end`, taking along the marks that
        folding dropped right after it, so they stay with their letter."""
        stop = self.original_index(end - 1) + 1
        while stop < len(self.original) and not fold(self.original[stop], lower=False):
            stop += 1
        return stop


_MARK = re.compile(r"(\[\[|\]\])")


def restore_snippet(fragment: str, original: str) -> str:
    """Puts the [[ ]] marks of a fragment highlighted on the folded text onto the same span of
    the original text, so Urdu reads as OCR wrote it (yeh barree stays yeh barree)."""
    page = FoldedText(original)
    pieces = _MARK.split(fragment)
    plain = "".join(p for p in pieces if p not in ("[[", "]]"))
    start = page.folded.find(plain)
    if start < 0 or not plain:
        return fragment  # cannot place it: the folded spelling is still readable
    out: list[str] = []
    position = start
    cursor = page.original_index(start)
    first = cursor
    for piece in pieces:
        if piece in ("[[", "]]"):
            out.append(piece)
        elif piece:
            position += len(piece)
            stop = page.original_end(position)
            out.append(original[cursor:stop])
            cursor = stop
    prefix = "… " if original[:first].strip() else ""
    suffix = " …" if original[cursor:].strip() else ""
    return prefix + "".join(out).strip() + suffix
