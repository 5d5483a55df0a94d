"""Progress against the targets, per tehsil, for the terminal or a spreadsheet."""

from __future__ import annotations

import datetime as dt
import enum
import sys
from typing import Annotated, Optional

import typer

from commands.common import HomeOption, JsonOption, load_settings
from domain.config import home_dir


class ProgressFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


def progress(
    home: HomeOption = None,
    district: Annotated[Optional[str], typer.Option(help="Only this district")] = None,
    fmt: Annotated[ProgressFormat, typer.Option("--format", help="table, csv or json")] = ProgressFormat.table,
    as_json: JsonOption = False,
) -> None:
    """Per tehsil: record files and pages done, quarantined, flagged, waiting; pace against the target."""
    from pipeline.progress import render_progress
    from store.catalog import Catalog

    settings = load_settings()
    catalog = Catalog.open(home_dir(home))
    try:
        text = render_progress(catalog, settings, dt.date.today(), district, "json" if as_json else fmt.value)
    finally:
        catalog.close()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
