"""Metadata read out of a record file's text: dates, record type, a title.

Record files are written in English, Urdu and Hindi, with ASCII, Urdu (Extended Arabic-Indic)
and Devanagari digits, and OCR spells the same Urdu word several ways. Everything is matched on
`domain.text.fold`ed text, so one spelling of a keyword or month name finds them all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence

from domain.text import fold

# Years outside this are not the date of a record-room paper (a khasra or case number, more likely).
YEAR_RANGE = (1800, 2100)

# Month names as written in the three scripts, before folding. Urdu and Hindi spellings vary
# (nukta or not, anusvara or half-m, hamza forms); fold() joins the Urdu ones, the rest are listed.
MONTH_NAMES: dict[int, list[str]] = {
    1: ["january", "jan", "جنوری", "जनवरी"],
    2: ["february", "feb", "فروری", "फ़रवरी", "फरवरी"],
    3: ["march", "mar", "مارچ", "मार्च"],
    4: ["april", "apr", "اپریل", "अप्रैल", "अप्रेल"],
    5: ["may", "مئی", "مئ", "مى", "मई"],
    6: ["june", "jun", "جون", "जून"],
    7: ["july", "jul", "جولائی", "جولائ", "जुलाई"],
    8: ["august", "aug", "اگست", "अगस्त"],
    9: ["september", "sept", "sep", "ستمبر", "सितंबर", "सितम्बर"],
    10: ["october", "oct", "اکتوبر", "अक्टूबर", "अक्तूबर"],
    11: ["november", "nov", "نومبر", "नवंबर", "नवम्बर"],
    12: ["december", "dec", "دسمبر", "दिसंबर", "दिसम्बर"],
}

# Letters and the combining marks of the three scripts: a keyword or month must not be glued
# to them (so "mar" is not found in "marla", nor "may" in "mayor").
_WORD = r"\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
_NOT_AFTER = rf"(?<![{_WORD}])"
_NOT_BEFORE = rf"(?![{_WORD}])"


def _fold_keyword(text: str) -> str:
    """fold(), and Devanagari nukta dropped: OCR and typists use it or not."""
    return fold(text).replace("\u093c", "")


def _month_lookup() -> dict[str, int]:
    return {_fold_keyword(name): month for month, names in MONTH_NAMES.items() for name in names}


_MONTHS = _month_lookup()
_MONTH = "(?P<month>" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})\s*(?:ء|ع)?"  # Urdu writes the year followed by ء
_SEP = r"\s*[,\-/.]?\s*"

DATE_PATTERNS = [
    # 12/03/1987, 12-3-1987, 12.03.1987: day first, as written in India and Pakistan
    re.compile(r"(?<!\d)(?P<day>[0-3]?\d)\s*(?P<sep>[/\-.])\s*(?P<month>[01]?\d)\s*(?P=sep)\s*(?P<year>\d{4})(?!\d)"),
    # 1987-03-12 (ISO, typed into forms and manifests)
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    # 12 March 1987, 12th March, 1987, 12-Mar-1987, ۱۲ مارچ ۱۹۸۷ء, १२ मार्च १९८७
    re.compile(rf"(?<!\d){_DAY}{_SEP}{_NOT_AFTER}{_MONTH}{_NOT_BEFORE}{_SEP}{_YEAR}(?!\d)"),
    # March 12, 1987
    re.compile(rf"{_NOT_AFTER}{_MONTH}{_NOT_BEFORE}\s*(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s*,?\s*{_YEAR}(?!\d)"),
]


def find_dates(text: str) -> list[dt.date]:
    """Every calendar date written in the text, in the order written, each once.
    Two-digit years are not read: "12/3/87" is as often a khasra number as a date."""
    folded = _fold_keyword(text)
    found: list[tuple[int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(folded):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue  # a longer pattern already read this span
            date = _date_from(match)
            if date is not None:
                found.append((match.start(), date))
                taken.append(match.span())
    found.sort(key=lambda item: item[0])
    dates: list[dt.date] = []
    for _, date in found:
        if date not in dates:
            dates.append(date)
    return dates


def _date_from(match: re.Match[str]) -> dt.date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.rstrip("."))
    year, day = int(match.group("year")), int(match.group("day"))
    if month is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # 31/02, 00/13: not a date
        return None


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
