"""One entry per physical code: decoders and passes read the same code more than once."""

from __future__ import annotations

from collections.abc import Iterable

from domain.model import Barcode
from extractors.barcodes.decoders import Reading, overlap


def deduplicate(readings: Iterable[Reading]) -> list[Barcode]:
    """One entry per physical code, in reading order: the same value and symbology at
    overlapping places is one code read twice; the same value elsewhere is another label."""
    kept: list[Barcode] = []
    for reading in readings:
        barcode = reading.barcode
        if any(other.value == barcode.value and other.symbology == barcode.symbology and overlap(other.box, barcode.box) for other in kept):
            continue
        kept.append(barcode)
    return sorted(kept, key=lambda b: (b.box[1], b.box[0]))
