"""A record file's number and manifest row: from its barcodes, the manifest, the stack's folder
name and the text of its first pages, in that order of trust."""

from __future__ import annotations

import re

from domain.config import District, FileNumberPattern
from domain.file_numbers import normalize_file_number, read_file_number
from domain.model import Barcode, FileNumber, Stack
from extractors.file_numbers import (choose_file_number, file_numbers_from_barcodes, find_file_numbers, generic_flag,
                                     generic_numbers_from_barcodes)
from night.identity import provisional_number
from pipeline.intake import ManifestEntry


def choose_number(district: District, stack: Stack, barcodes: list[Barcode], cover_barcodes: list[Barcode],
                  first_texts: list[str], manifest: ManifestEntry | None, total: int,
                  ordinal: int) -> tuple[FileNumber, list[str], list[FileNumber]]:
    """The record file's number, its flags and every candidate seen. Numbers a configured
    pattern reads come first (barcode > manifest > folder > text); only without one is the
    cover label (or the manifest's value) read generically, and flagged."""
    patterns = district.file_number_patterns
    candidates = file_numbers_from_barcodes(barcodes, patterns, district.separator_pattern)
    typed = manifest.file_number if manifest and manifest.file_number else None
    if typed and (number := normalize_file_number(typed, patterns, "manifest")) is not None:
        candidates.append(number)
    if total == 1 and (number := normalize_file_number(stack.name, patterns, "folder")) is not None:
        candidates.append(number)
    candidates.extend(find_file_numbers("\n".join(first_texts), patterns, "text"))
    generic = not candidates
    if generic:
        candidates = generic_numbers_from_barcodes(cover_barcodes, patterns, district.separator_pattern)
        if typed and (number := read_file_number(typed, patterns, "manifest")) is not None:
            candidates.append(number)
    candidates = _unique(candidates)
    chosen, flags = choose_file_number(candidates)
    if chosen is None:
        return FileNumber(raw="", normalized=provisional_number(stack, ordinal), source="provisional"), flags, candidates
    return chosen, [*flags, generic_flag(patterns)] if generic else flags, candidates


def manifest_entry(district: District, stack: Stack, manifest: dict[str, ManifestEntry], barcodes: list[Barcode],
                   cover_barcodes: list[Barcode], total: int) -> ManifestEntry | None:
    """The manifest row for a record file: by its barcode number, else by its stack's name
    when the stack holds only this record file."""
    patterns = district.file_number_patterns
    labels = [*file_numbers_from_barcodes(barcodes, patterns), *generic_numbers_from_barcodes(cover_barcodes, patterns)]
    barcode_numbers = {n.normalized for n in labels}
    for entry in manifest.values():
        number = read_file_number(entry.file_number, patterns, "manifest") if entry.file_number else None
        if number and number.normalized in barcode_numbers:
            return entry
    return manifest.get(stack.name) if total == 1 else None


def record_year(manifest: ManifestEntry | None, number: FileNumber, patterns: list[FileNumberPattern]) -> int | None:
    if manifest and manifest.year.isdigit():
        return int(manifest.year)
    for pattern in patterns:
        if pattern.name == number.pattern and (match := re.search(pattern.regex, number.normalized)):
            year = match.groupdict().get("year")
            return int(year) if year and year.isdigit() else None
    return None


def _unique(candidates: list[FileNumber]) -> list[FileNumber]:
    seen, unique = set(), []
    for candidate in candidates:
        key = (candidate.normalized, candidate.source)
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique
