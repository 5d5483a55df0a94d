"""Barcodes on scanned pages: file-number labels, separator sheets, old unrelated labels.

`read_barcodes` runs on every page of every batch, so the common case (a page with no code)
costs three cheap passes, and the expensive work is spent only where a code is. Measured on
the corpus and on generated covers (bench/barcodes.py, bench/file_numbers.py):

1. zxing-cpp on the whole page for 1D codes (Code128, Code39, Code93), at full resolution:
   it reads far more than zbar on noisy, grey and small codes.
2. zxing-cpp for QR and DataMatrix on the page reduced to ~150 dpi and lightly smoothed: their
   modules are big, and the DataMatrix search costs 5-10x more on a noisy 300 dpi page.
3. Code regions: a structure-tensor map on ~3 mm cells finds patches of parallel bars at any
   angle. Every 1D reading is checked against them. A region with no sure reading (Code39 has
   no check character; a scan line crossing a tilted code's edge can read a tail of it) is cut
   out at full resolution, turned upright and read again: zxing-cpp, then zbar, then the bar
   profile (columns averaged down the bars, deblurred), which reads codes too blurred or noisy
   for either decoder on the page.
4. A small image (a label photo, not a page) where nothing was read: zxing-cpp's other
   binarizers, then zbar on the whole image.

Readings that contradict each other at one place are dropped rather than guessed between: a
missed code is flagged for review downstream, a wrong one files a record under another number.
zbar returns Code39 Full-ASCII raw ("12+A+B"); it is expanded like zxing-cpp does ("12ab",
`extractors.code39`).
Values are the text as encoded, GS1 group separators included (zxing-cpp "Plain" text mode).

Modules, in the order a page meets them: `ladder` (the passes above), `decoders` (zxing-cpp and
zbar behind one `Reading`), `regions` (where 1D codes are), `profiles` (the bar profile),
`dedup` (one entry per physical code).
"""

from extractors.barcodes.decoders import read_with_pyzbar, read_with_zxing
from extractors.barcodes.ladder import read_barcodes

__all__ = ["read_barcodes", "read_with_pyzbar", "read_with_zxing"]
