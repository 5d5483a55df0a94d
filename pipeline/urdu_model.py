"""Which model reads an Urdu page: daftar's own `urd_nastaliq` (models/), in place of Debian's `urd`.

Debian's `urd` reads Naskh but not Nastaliq, the style most typed Urdu records are printed in;
`urd_nastaliq` was trained by the project (scripts/nastaliq/train.sh, docs/nastaliq.md) on both
styles, and it reads Naskh better than `urd` does, so it reads every Urdu page, whatever its
style. Measured on pages in fonts its training never saw (--psm 6; models/PROVENANCE.md):
  Naskh (Nafees)      urd 7.0% character error, urd_nastaliq 3.6% (bench/nastaliq.py);
                      numbers in Urdu digits read whole 33% and 93% (bench/segmentation.py)
  Nastaliq (Awami)    30.2% and 15.1%; numbers 14% and 49%
  real Nastaliq       33.5% and 32.8% (the corpus's two images); numbers 1 and 5 of 6
at the same CPU time. Choosing by the page's style (Nastaliq words slope, Naskh sits level) kept
`urd` on Naskh pages, where it lost two numbers in three, and it called some Awami pages Naskh.
"""

from __future__ import annotations

from pipeline.tessdata import shipped_models

NASTALIQ_MODEL = "urd_nastaliq"
DEBIAN_MODEL = "urd"

__all__ = ["NASTALIQ_MODEL", "reading_models"]


def reading_models(models: tuple[str, ...]) -> tuple[str, ...]:
    """The models a page is read with: `urd` becomes `urd_nastaliq` where the model is shipped (a
    checkout without models/ reads with Debian's); every other model is read as configured."""
    if DEBIAN_MODEL not in models or NASTALIQ_MODEL not in shipped_models():
        return models
    return tuple(dict.fromkeys(NASTALIQ_MODEL if model == DEBIAN_MODEL else model for model in models))
