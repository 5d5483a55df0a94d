"""The progress figures as `daftar progress`, the dashboard's CSV and the Prefect artifact show them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from typing import Literal

from rich import box
from rich.console import Console
from rich.table import Table

from domain.config import Settings
from pipeline.progress.figures import DistrictProgress, TehsilProgress, district_progress
from pipeline.progress.rules import Status
from store.catalog import Catalog

Format = Literal["table", "csv", "json", "markdown"]

# The columns of the CSV and of each JSON object, in order. `level` tells tehsil rows from district totals.
ROW_FIELDS = [
    "level", "district", "tehsil", "files_done", "target_files", "percent_done", "pages_done", "target_pages",
    "sources_seen", "sources_done", "quarantined", "waiting", "flagged",
    "pace_files_per_day", "pace_pages_per_day", "pace_files_per_day_30", "pace_pages_per_day_30",
    "required_pace_files_per_day", "required_pace_pages_per_day", "start", "deadline",
    "projected_completion", "status",
]


def progress_row(progress: TehsilProgress | DistrictProgress) -> dict:
    """One tehsil or district as plain JSON-ready values (dates as ISO strings, paces rounded)."""
    row: dict = {"level": "tehsil" if isinstance(progress, TehsilProgress) else "district",
                 "district": progress.district,
                 "tehsil": progress.tehsil if isinstance(progress, TehsilProgress) else None}
    for name in ROW_FIELDS[3:]:
        value = getattr(progress, name)
        if isinstance(value, float):
            value = round(value, 2)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Status):
            value = value.value
        row[name] = value
    row["quarantined_by_reason"] = dict(progress.quarantined_by_reason)
    row["flagged_by_kind"] = dict(progress.flagged_by_kind)
    row["pages_per_night"] = [{"date": n.date.isoformat(), "files": n.files, "pages": n.pages} for n in progress.nights]
    return row


def progress_json(districts: list[DistrictProgress]) -> str:
    tehsils = [progress_row(t) for d in districts for t in d.tehsils]
    today = districts[0].today.isoformat() if districts else None
    return json.dumps({"today": today, "tehsils": tehsils, "districts": [progress_row(d) for d in districts]},
                      ensure_ascii=False, indent=2)


def progress_csv(districts: list[DistrictProgress]) -> str:
    """One row per tehsil, then the district total (level = district): sum only one level in a spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROW_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for district in districts:
        for tehsil in district.tehsils:
            writer.writerow(progress_row(tehsil))
        writer.writerow(progress_row(district))
    return out.getvalue()


def progress_table(districts: list[DistrictProgress], width: int | None = None) -> str:
    """A terminal table as plain text: a row per tehsil and a total per district. It fits the
    terminal (or $COLUMNS); 170 columns, room for every column unwrapped, when there is none."""
    width = width or shutil.get_terminal_size((170, 24)).columns
    table = Table(box=box.SIMPLE_HEAD, title=f"Scanning progress on {_today_of(districts)}", title_justify="left")
    for column, justify in [
        ("District", "left"), ("Tehsil", "left"), ("Files done / target", "right"), ("Pages", "right"),
        ("Quarantined", "right"), ("Flagged", "right"), ("Waiting", "right"), ("Pace 7d / 30d", "right"),
        ("Needed / day", "right"), ("Projected", "right"), ("Deadline", "right"), ("Status", "left"),
    ]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for district in districts:
        for tehsil in district.tehsils:
            table.add_row(*_table_cells(tehsil, district.district, tehsil.tehsil))
        table.add_row(*_table_cells(district, district.district, "all tehsils"), style="bold", end_section=True)
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(table)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _table_cells(p: TehsilProgress | DistrictProgress, district: str, tehsil: str) -> list[str]:
    target = f"{p.files_done:,} / {p.target_files:,} ({format_percent(p.percent_done)})" if p.target_files else f"{p.files_done:,} / -"
    return [
        district, tehsil, target, f"{p.pages_done:,}", f"{p.quarantined:,}", f"{p.flagged:,}", f"{p.waiting:,}",
        f"{p.pace_files_per_day:.1f} / {p.pace_files_per_day_30:.1f}", format_pace(p.required_pace_files_per_day),
        format_date(p.projected_completion), format_date(p.deadline), p.status.label,
    ]


def progress_markdown(districts: list[DistrictProgress]) -> str:
    """A Markdown table per district, for the Prefect artifact."""
    lines = [f"# Scanning progress on {_today_of(districts)}", ""]
    for district in districts:
        lines += [
            f"## {_md(district.district)}: {district.files_done:,} of {district.target_files:,} files, {district.status.label}",
            "",
            "| Tehsil | Files done / target | Pages | Quarantined | Flagged | Waiting | Pace/day (7d) | Needed/day | Projected | Deadline | Status |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in [*district.tehsils, district]:
            name = _md(row.tehsil) if isinstance(row, TehsilProgress) else "**all tehsils**"
            lines.append(
                f"| {name} | {row.files_done:,} / {row.target_files:,} | {row.pages_done:,} | {row.quarantined:,} "
                f"| {row.flagged:,} | {row.waiting:,} | {row.pace_files_per_day:.1f} | {format_pace(row.required_pace_files_per_day)} "
                f"| {format_date(row.projected_completion)} | {format_date(row.deadline)} | {row.status.label} |"
            )
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    # A tehsil name must not break the table or inject markup.
    return "".join("\\" + c if c in "|*_`[]<>#\\" else c for c in text)


def _today_of(districts: list[DistrictProgress]) -> str:
    return districts[0].today.isoformat() if districts else "-"


def format_percent(value: float) -> str:
    # Early on, "0%" would read as "nothing done": keep a decimal below 10 %.
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


def format_pace(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else "-"


def render_progress(catalog: Catalog, settings: Settings, today: dt.date, district: str | None, fmt: Format) -> str:
    """The progress of one district (or all) as `daftar progress` prints it: table, csv, json or markdown."""
    districts = district_progress(catalog, settings, today, district)
    renderers = {"table": progress_table, "csv": progress_csv, "json": progress_json, "markdown": progress_markdown}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(renderers)}")
    return renderers[fmt](districts)
