"""Metadata read out of a record file's text: its record type and a title.

Record files are written in English, Urdu and Hindi, and OCR spells the same Urdu word several
ways. Keywords are matched on `domain.text.fold`ed text, so one spelling of a keyword finds them
all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from domain.text import fold

# Letters and the combining marks of the three scripts: a keyword must not be glued to them
# (so "court" is not found in "courtyard").
_WORD = r"\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
_NOT_AFTER = rf"(?<![{_WORD}])"
_NOT_BEFORE = rf"(?![{_WORD}])"


def _fold_keyword(text: str) -> str:
    """fold(), and Devanagari nukta dropped: OCR and typists use it or not."""
    return fold(text).replace("\u093c", "")


# A cover's own "Record type: Court Case" line says what the file is, whatever its pages mention.
_RECORD_TYPE_LINE = re.compile(r"^\s*(?:record\s*type|type\s*of\s*record|نوعیت|अभिलेख\s*प्रकार|प्रकार)\s*[:.\-–]\s*(?P<rest>.+)$",
                               re.IGNORECASE | re.MULTILINE)


def record_type(text: str, keywords: Mapping[str, Sequence[str]]) -> str | None:
    """The record type a "Record type:" line names, else the configured record type whose
    keywords occur most often in the text (whole words, any script, folded spelling); the first
    configured type wins a tie. None if none occurs."""
    for match in _RECORD_TYPE_LINE.finditer(text):
        named = _fold_keyword(match.group("rest")).strip().replace(" ", "-")
        if named in keywords:
            return named
        if (by_words := _most_mentioned(match.group("rest"), keywords)) is not None:
            return by_words
    return _most_mentioned(text, keywords)


def _most_mentioned(text: str, keywords: Mapping[str, Sequence[str]]) -> str | None:
    folded = _fold_keyword(text)
    best, best_hits = None, 0
    for kind, words in keywords.items():
        hits = sum(len(_keyword_pattern(word).findall(folded)) for word in words if word.strip())
        if hits > best_hits:
            best, best_hits = kind, hits
    return best


def _keyword_pattern(word: str) -> re.Pattern[str]:
    # a phrase matches across any run of spaces or line breaks OCR put between its words
    parts = [re.escape(part) for part in _fold_keyword(word).split()]
    return re.compile(_NOT_AFTER + r"\s+".join(parts) + _NOT_BEFORE)


# A line that says what the file is about, in the three languages.
_SUBJECT = re.compile(r"^\s*(?:title|subject|sub|re|in the matter of|موضوع|بعنوان|عنوان|विषय|बाबत)\s*[:.\-–]\s*(?P<rest>.+)$", re.IGNORECASE)
# Letterhead lines every file of an office starts with: never its title.
_LETTERHEAD = re.compile(
    r"^\s*(?:government of|govt\.? of|office of|in the court of|page\s*\d|no\.?\s*[:\d]|dated?\b|حکومت|دفتر|सरकार|कार्यालय)",
    re.IGNORECASE,
)
TITLE_LENGTH = 120


def title_from_text(text: str, max_lines: int = 40) -> str:
    """A title for the record file from its first page: the subject line if there is one near
    the top, else the first line that is words (not a letterhead, a number or OCR speckle),
    trimmed at a word to about 120 characters. "" when nothing qualifies."""
    lines = [_clean_line(line) for line in text.splitlines()[:max_lines]]
    for line in lines:
        match = _SUBJECT.match(line)
        if match and _is_words(match.group("rest")):
            return _trim(match.group("rest"))
    for line in lines:
        if _is_words(line) and not _LETTERHEAD.match(line):
            return _trim(line)
    return ""


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFKC", line)
    line = "".join(ch for ch in line if unicodedata.category(ch) != "Cf")  # bidi marks from pdftotext
    return re.sub(r"\s+", " ", line).strip(" \t|_-–—=*•·")


def _is_words(line: str) -> bool:
    """At least two words of two or more letters, and mostly letters: OCR speckle and rules
    of a form come out as short runs of punctuation and stray letters."""
    letters = sum(ch.isalpha() or unicodedata.category(ch).startswith("M") for ch in line)
    words = [word for word in line.split() if sum(ch.isalpha() for ch in word) >= 2]
    return len(words) >= 2 and letters >= 0.6 * len(line.replace(" ", ""))


def _trim(line: str, limit: int = TITLE_LENGTH) -> str:
    line = line.strip()
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) >= limit // 2 else line[:limit]).rstrip(" ,;:-") + "…"
