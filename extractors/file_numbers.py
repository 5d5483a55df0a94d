"""File numbers: matched against the district's configured patterns, normalized, validated, and
chosen among the sources that name one (barcode > manifest > folder > text).

A record file filed under the wrong number is lost, so nothing here guesses: a value that a
configured pattern matches but rejects (a year out of range, a wrong check digit) is not a file
number; two sources that disagree are flagged for review with both values, never silently decided.
A label on the cover that no pattern reads (the district has none, or writes numbers another way)
is still the file's number, read generically and flagged, when no source gives a number a
pattern reads; OCR text never is: a number found only there must match a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from domain.config import FileNumberPattern
from domain.file_numbers import clean_value, clean_value_keep_layout, normalize_file_number, read_file_number
from domain.model import Barcode, FileNumber, FileNumberSource
from extractors.code39 import code39_raw_form

# Most trusted first. A barcode was printed from the register; a manifest was typed by the
# scanning team; a folder name was typed in a hurry; OCR text can misread any character.
TRUST_ORDER: tuple[FileNumberSource, ...] = ("barcode", "manifest", "folder", "text", "provisional")


def find_file_numbers(text: str, patterns: Sequence[FileNumberPattern], source: FileNumberSource = "text") -> list[FileNumber]:
    """Every file number written in OCR (or any) text, in reading order, each once."""
    cleaned = clean_value_keep_layout(text)
    found: list[FileNumber] = []
    seen: set[str] = set()
    for pattern in patterns:
        # a match must not be glued to more letters or digits: "XREV/..." or ".../00421" is another value
        bounded = re.compile(r"(?<![0-9A-Za-z])(?:" + pattern.regex + r")(?![0-9A-Za-z])", re.IGNORECASE)
        for match in bounded.finditer(cleaned):
            number = normalize_file_number(match.group(0), [pattern], source)
            if number and number.normalized not in seen:
                seen.add(number.normalized)
                found.append((match.start(), number))  # type: ignore[arg-type]
    found.sort(key=lambda item: item[0])  # type: ignore[index]
    return [number for _, number in found]  # type: ignore[misc]


def is_separator(value: str, separator_pattern: str) -> bool:
    """Whether a barcode value marks a separator sheet (full match, case-insensitive)."""
    return re.fullmatch(separator_pattern, clean_value(value), re.IGNORECASE) is not None


def file_numbers_from_barcodes(barcodes: Iterable[Barcode], patterns: Sequence[FileNumberPattern], separator_pattern: str | None = None) -> list[FileNumber]:
    """The file numbers that barcodes on a page or file carry, each once, in reading order.
    Chosen by pattern, not by which barcode came first: separators and unrelated old labels are
    skipped because they match no pattern."""
    found: list[FileNumber] = []
    seen: set[str] = set()
    for barcode in barcodes:
        if separator_pattern and is_separator(barcode.value, separator_pattern):
            continue
        number = normalize_file_number(barcode.value, patterns, "barcode")
        if number is None and barcode.symbology == "code39":
            raw = code39_raw_form(barcode.value)
            number = normalize_file_number(raw, patterns, "barcode") if raw else None
        if number and number.normalized not in seen:
            seen.add(number.normalized)
            found.append(number)
    return found


# Flags of a number read generically: the district has no pattern, or none of its patterns reads it.
PATTERN_UNCONFIGURED = "file-number-pattern-unconfigured"
UNMATCHED = "file-number-unmatched"
# Retail codes printed on folders and stationery name a product, never a record file.
RETAIL_SYMBOLOGIES = frozenset({"ean13", "ean8", "upca", "upce", "isbn10", "isbn13"})


def generic_numbers_from_barcodes(barcodes: Iterable[Barcode], patterns: Sequence[FileNumberPattern],
                                  separator_pattern: str | None = None) -> list[FileNumber]:
    """The values of cover labels that no configured pattern reads, read generically
    (`domain.file_numbers.generic_number`), each once, in reading order; separators, retail codes
    and values that are not plausibly file numbers are left out."""
    found: dict[str, FileNumber] = {}
    for barcode in barcodes:
        if barcode.symbology in RETAIL_SYMBOLOGIES or (separator_pattern and is_separator(barcode.value, separator_pattern)):
            continue
        number = read_file_number(barcode.value, patterns, "barcode")
        if number is not None and number.pattern is None:
            found.setdefault(number.normalized, number)
    return list(found.values())


def generic_flag(patterns: Sequence[FileNumberPattern]) -> str:
    """The review flag of a record file whose number was read generically."""
    return UNMATCHED if patterns else PATTERN_UNCONFIGURED


def choose_file_number(candidates: Sequence[FileNumber]) -> tuple[FileNumber | None, list[str]]:
    """The file number of a record file and its review flags, from every candidate seen.

    The most trusted source wins (barcode > manifest > folder > text). Flags:
    - "no-file-number": no candidate at all (the caller gives a provisional id);
    - "conflicting-file-numbers: A (barcode) != B (folder)": one per other value that the
      best source itself or a manifest or folder names; the record keeps both for review;
    - "file-number-from-text-only": only OCR text named it, so a misread digit is possible.
    Text naming other numbers besides a better source is not a conflict: orders cite earlier
    files (a previous mutation, an appeal) all the time.
    """
    if not candidates:
        return None, ["no-file-number"]
    by_source: dict[str, list[FileNumber]] = {}
    for candidate in candidates:
        values = by_source.setdefault(candidate.source, [])
        if all(existing.normalized != candidate.normalized for existing in values):
            values.append(candidate)
    ranked = [source for source in TRUST_ORDER if source in by_source]
    best_source = ranked[0]
    chosen = by_source[best_source][0]
    flags: list[str] = []
    for source in ranked:
        if source in ("text", "provisional") and source != best_source:
            continue
        for other in by_source[source]:
            if other.normalized != chosen.normalized:
                flags.append(f"conflicting-file-numbers: {chosen.normalized} ({best_source}) != {other.normalized} ({source})")
    if best_source == "text":
        flags.append("file-number-from-text-only")
    return chosen, flags
