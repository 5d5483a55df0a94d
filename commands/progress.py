"""Progress against the targets, per tehsil, for the terminal or a spreadsheet."""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from commands.common import HomeOption, JsonOption, load_settings, option_date
from domain.config import home_dir

if TYPE_CHECKING:
    from store.catalog import Catalog


class ProgressFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


def progress(
    home: HomeOption = None,
    district: Annotated[Optional[str], typer.Option(help="Only this district")] = None,
    fmt: Annotated[ProgressFormat, typer.Option("--format", help="table, csv or json")] = ProgressFormat.table,
    as_json: JsonOption = False,
    as_of: Annotated[Optional[str], typer.Option(help="The figures as on this date (YYYY-MM-DD); default today")] = None,
) -> None:
    """Per tehsil: record files and pages done, quarantined, flagged, waiting; pace against the target.
    The table ends with why sources wait (still being copied in, at the wrong depth, ...)."""
    from pipeline.progress import render_progress
    from store.catalog import Catalog

    today = option_date(as_of) or dt.date.today()
    settings = load_settings()
    catalog = Catalog.open(home_dir(home))
    try:
        fmt_name = "json" if as_json else fmt.value
        text = render_progress(catalog, settings, today, district, fmt_name)
        if fmt_name == "table":
            text = text.rstrip("\n") + "\n\n" + waiting_reasons(catalog, district)
    finally:
        catalog.close()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def waiting_reasons(catalog: Catalog, district: str | None) -> str:
    """Why sources wait, per tehsil and kind of reason, with one full reason as the example (it says
    what to do, e.g. where scans at the wrong depth belong)."""
    from pipeline.progress import reason_kind

    counts: Counter[tuple[str, str, str]] = Counter()
    example: dict[tuple[str, str, str], str] = {}
    for source in catalog.sources(state="waiting", district=district or None):
        key = (source.district, source.tehsil, reason_kind(source.reason))
        counts[key] += 1
        example.setdefault(key, source.reason or "no reason given")
    if not counts:
        return ""
    lines = ["Waiting for the next run:"]
    lines += [f"  {d}/{t}: {count} source{'s' if count != 1 else ''}: {example[d, t, kind]}"
              for (d, t, kind), count in sorted(counts.items())]
    return "\n".join(lines) + "\n"
