"""What every command shares: the consoles, the common options, table and JSON output, and the
settings loaded once per command."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from domain.config import Settings
from domain.errors import BadInput, UsageError

console = Console()
err = Console(stderr=True)

HomeOption = Annotated[Optional[Path], typer.Option("--home", help="State folder (catalog, archive, index, quarantine). Default: $DAFTAR_HOME or ./daftar-home")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


def load_settings(workers: int | None = None, settle: float | None = None) -> Settings:
    """The configuration, with the command line's overrides of worker count and settle time.
    A configuration with mistakes raises ConfigInvalid (exit 8), naming each."""
    return with_overrides(Settings.load(), workers, settle)


def with_overrides(settings: Settings, workers: int | None = None, settle: float | None = None) -> Settings:
    """The settings with the command line's worker count and settle time, where given."""
    updates: dict = {}
    if workers is not None:
        updates["workers"] = workers
    if settle is not None:
        updates["intake"] = settings.intake.model_copy(update={"settle_seconds": settle})
    return settings.model_copy(update=updates) if updates else settings


def inbox_folder(inbox: Path) -> Path:
    """The inbox given, or bad input (exit 3) if it is not a folder."""
    if not inbox.is_dir():
        raise BadInput(f"inbox {inbox} is not a folder")
    return inbox


def option_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """A date given on the command line, or a usage error (exit 2) saying how to write it."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date: write it as YYYY-MM-DD (for example 2026-11-21)") from None


def new_table(title: str, columns: Iterable[str], fold: bool = True) -> Table:
    """A table with a title and these columns; long cells wrap (fold) rather than being cut."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold" if fold else "ellipsis")
    return table


def add_row(table: Table, *cells: object) -> None:
    """A table row of data. OCR text, file names and values are never read as rich markup."""
    table.add_row(*(cell if isinstance(cell, Text) else Text(str(cell)) for cell in cells))


def highlighted(snippet: str) -> Text:
    """A snippet with its [[matches]] in bold."""
    text = Text()
    for number, part in enumerate(re.split(r"\[\[|\]\]", snippet.replace("\n", " "))):
        text.append(part, style="bold yellow" if number % 2 else None)
    return text


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_error(message: str) -> None:
    """`error: <message>` on stderr; the message is plain text, never rich markup."""
    err.print(Text.assemble(("error:", "red"), " ", message), highlight=False, soft_wrap=True)  # file:line stays on one line
