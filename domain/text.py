"""Script-aware text folding shared by file-number reading and search.

OCR and users spell the same Urdu word with different code points (Arabic yeh or Farsi yeh,
Arabic kaf or keheh, hamza carriers) and write numbers in three digit sets. Folding both the
indexed text and the query to one spelling makes a typed word find the OCRed page.
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
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0626": "\u06cc",  # yeh with hamza -> yeh
    "\u06c2": "\u06c1",  # heh goal with hamza -> heh goal
    "\u06c0": "\u06c1",  # heh with yeh -> heh goal
    "\u0629": "\u06c1",  # teh marbuta -> heh goal
    "\u0647": "\u06c1",  # Arabic heh -> heh goal
}
# Marks that OCR adds or drops at random: harakat, hamza above, tatweel, zero-width joiners.
DROPPED = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0654", "\u0655", "\u0670", "\u0640", "\u200c", "\u200d", "\u200e", "\u200f"}

_TABLE = str.maketrans({**DIGITS, **ARABIC_SCRIPT_FOLDING, **{ch: None for ch in DROPPED}})


def ascii_digits(text: str) -> str:
    """Urdu, Arabic-Indic and Devanagari digits to 0-9; nothing else changes."""
    return text.translate(str.maketrans(DIGITS))


def fold(text: str, lower: bool = True) -> str:
    """The spelling both index and query are reduced to: NFKC, lower case, ASCII digits,
    one form for each Arabic-script letter variant, no optional marks."""
    folded = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return folded.lower() if lower else folded
