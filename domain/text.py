"""Script-aware text folding shared by file-number reading, metadata and search.

OCR and users spell the same word with different code points: in Urdu, Arabic or Farsi yeh,
Arabic kaf or keheh, hamza carriers, optional harakat; in Hindi, letters with or without nukta
(ज़िला / जिला) and chandrabindu or anusvara (जाँच / जांच); and numbers in three digit sets.
Folding both the indexed text and the query to one spelling makes a typed word find the OCRed page.
"""

from __future__ import annotations

import unicodedata

# Arabic-Indic (U+0660..), Extended Arabic-Indic (U+06F0..) and Devanagari (U+0966..) digits.
DIGITS = {chr(base + d): str(d) for base in (0x0660, 0x06F0, 0x0966) for d in range(10)}

# Letter variants folded to one form. Pairs are (variant, folded).
ARABIC_SCRIPT_FOLDING = {
    "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh (Urdu choti ye)
    "\u0649": "\u06cc",  # alef maksura -> Farsi yeh
    "\u06d2": "\u06cc",  # yeh barree -> Farsi yeh (OCR confuses them)
    "\u06d3": "\u06cc",  # yeh barree with hamza -> Farsi yeh
    "\u06d0": "\u06cc",  # yeh with two dots below -> Farsi yeh
    "\u0678": "\u06cc",  # high hamza yeh -> Farsi yeh
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u06aa": "\u06a9",  # swash kaf -> keheh
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda -> alef
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0672": "\u0627",  # alef with wavy hamza above -> alef
    "\u0673": "\u0627",  # alef with wavy hamza below -> alef
    "\u0675": "\u0627",  # high hamza alef -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0676": "\u0648",  # high hamza waw -> waw
    "\u0626": "\u06cc",  # yeh with hamza -> yeh
    "\u06c2": "\u06c1",  # heh goal with hamza -> heh goal
    "\u06c0": "\u06c1",  # heh with yeh -> heh goal
    "\u06c3": "\u06c1",  # teh marbuta goal -> heh goal
    "\u0629": "\u06c1",  # teh marbuta -> heh goal
    "\u0647": "\u06c1",  # Arabic heh -> heh goal
    "\u06d5": "\u06c1",  # ae -> heh goal
}
DEVANAGARI_FOLDING = {
    "\u0901": "\u0902",  # chandrabindu -> anusvara: जाँच and जांच are one word to a reader
    "\u0929": "\u0928",  # ऩ (na with nukta, composed) -> न
    "\u0931": "\u0930",  # ऱ -> र
    "\u0934": "\u0933",  # ऴ -> ळ
}
# Marks that OCR and typists add or drop at random. Arabic script: harakat, superscript alef,
# honorifics and Quranic marks, hamza (on the line, above, below: ورثاء / ورثا), tatweel.
# Devanagari: nukta (NFKC leaves क़ as क + nukta, so dropping the mark folds both spellings).
# Everywhere: zero-width joiners and direction marks.
DROPPED = (
    {chr(c) for c in [*range(0x064B, 0x0660), *range(0x0610, 0x061B), *range(0x06D6, 0x06EE)]}
    | {"\u0621", "\u0674", "\u0654", "\u0655", "\u0670", "\u0640", "\u093c"}
    | {"\u200c", "\u200d", "\u200e", "\u200f"}
)

_TABLE = str.maketrans({**DIGITS, **ARABIC_SCRIPT_FOLDING, **DEVANAGARI_FOLDING, **{ch: None for ch in DROPPED}})


def ascii_digits(text: str) -> str:
    """Urdu, Arabic-Indic and Devanagari digits to 0-9; nothing else changes."""
    return text.translate(str.maketrans(DIGITS))


def fold(text: str, lower: bool = True) -> str:
    """The spelling both index and query are reduced to: NFKC, lower case, ASCII digits,
    one form for each Arabic-script and Devanagari letter variant, no optional marks."""
    folded = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return folded.lower() if lower else folded


def printable_name(name: str) -> str:
    """A file name as people and SQLite can read it: bytes that are not UTF-8 (which Python keeps
    as lone surrogates) shown as `\\xNN`, everything else unchanged."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
