"""Record file identity that cannot collide.

A record file's archive id (its folder, catalog row, index documents and `/records/` address) is
claimed in the catalog before anything is written under it, for the record file's origin: its
district, tehsil, batch, stack, place in the stack and the stack's content. The id is the number's
folder name if no record file ever had it, else that name with `~2`, `~3`..., so a number seen
twice (two batches, two tehsils, a manifest giving two stacks one number) never shares an id, and
the same stack done again (a night cut short) keeps its ids and indexes nothing twice.
A record file with no number gets a provisional one, distinct by construction too.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from domain.config import name_key
from domain.model import Stack
from store.catalog import Catalog


def claim_file_ids(home: Path, stack: Stack, wanted: list[str]) -> list[str]:
    """The ids of a stack's record files, in order; `wanted` are their numbers' folder names."""
    claims = [(origin(stack, ordinal), file_id) for ordinal, file_id in enumerate(wanted, 1)]
    catalog = Catalog.open(home)
    try:
        return catalog.claim_file_ids(claims)
    finally:
        catalog.close()


def origin(stack: Stack, ordinal: int) -> str:
    """Where the `ordinal`-th record file of a stack came from, as one string. The exact names are
    hashed as bytes: names that differ only in case or punctuation, or that are not valid UTF-8,
    are still different origins."""
    batch = stack.batch
    digest = hashlib.sha256()
    for part in (name_key(batch.district), name_key(batch.tehsil), batch.name, stack.name, str(ordinal),
                 *sorted(source.sha256 for source in stack.sources)):
        digest.update(os.fsencode(part) + b"\0")
    return f"{_ascii(name_key(batch.district))}/{_ascii(name_key(batch.tehsil))}/{digest.hexdigest()}"


def provisional_number(stack: Stack, ordinal: int) -> str:
    """A number for a record file that has none: readable (district, tehsil, batch, stack, place in
    the stack) and distinct however alike two names read once cleaned ("Scan.pdf" and "scan.pdf",
    "report (1).pdf" and "report-1.pdf", two Urdu names): the exact names are hashed into it."""
    batch = stack.batch
    parts = [_ascii(name_key(batch.district)), _ascii(name_key(batch.tehsil)), _ascii(batch.name), _ascii(stack.name)]
    exact = hashlib.sha256(os.fsencode(batch.name) + b"/" + os.fsencode(stack.name)).hexdigest()[:8]
    return "-".join(["PROV", *parts, str(ordinal), exact]).upper()


def _ascii(name: str) -> str:
    """A name as letters, digits and hyphens, for ids and addresses ("x" when nothing is left)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "x"
