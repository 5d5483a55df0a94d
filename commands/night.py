"""The night's commands: run a batch, serve it on a schedule, and bring the index up to date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from commands.common import HomeOption, JsonOption, add_row, console, err, load_settings, print_json
from domain.config import home_dir
from domain.errors import BadInput, ExitCode, IndexUnavailable
from domain.report import BatchReport


def run(
    inbox: Annotated[Path, typer.Argument(help="Scanner inbox: <inbox>/<district>/<tehsil>/<batch>/...")],
    home: HomeOption = None,
    settle_seconds: Annotated[Optional[float], typer.Option(help="Leave files younger than this for the next run (default from config)")] = None,
    workers: Annotated[Optional[int], typer.Option(help="OCR processes at a time (default: all cores)")] = None,
    as_of: Annotated[Optional[str], typer.Option(help="Record the run as made on this date (YYYY-MM-DD); for replaying nights")] = None,
    as_json: JsonOption = False,
) -> None:
    """Process every new batch in the inbox: deskew, read barcodes, OCR, archive, index; then print
    the batch report. Rerunning does no work twice."""
    _inbox_folder(inbox)
    settings = load_settings(workers, settle_seconds)
    now = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.datetime.now().time()) if as_of else dt.datetime.now()
    from flows.batch import run_inbox  # Prefect loads only for the commands that run the flow

    with Progress(TextColumn("[bold]record stacks"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[pages]} pages"),
                  TimeElapsedColumn(), console=err, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task("stacks", total=None, pages=0)

        def progress(done: int, total: int, pages: int) -> None:
            bar.update(task, completed=done, total=total, pages=pages)

        report = run_inbox(inbox.resolve(), home_dir(home), settings, now, progress)
    if as_json:
        print_json(report.to_json())
    else:
        print_report(report)
    # Results, not errors: the batch finished and the report says what is left to do.
    if report.index_pending:
        raise typer.Exit(int(ExitCode.INDEX_UNAVAILABLE))
    if report.quarantined:
        raise typer.Exit(int(ExitCode.QUARANTINED))


def print_report(report: BatchReport) -> None:
    for title, items, style in (("Done", report.done, "green"), ("Flagged for review", report.flagged, "yellow"),
                                ("Quarantined", report.quarantined, "red"), ("Waiting for the next run", report.waiting, "cyan")):
        if not items:
            continue
        table = Table(title=title, title_style=style, title_justify="left")
        for column in ("tehsil", "batch", "file / source", "detail"):
            table.add_column(column, overflow="fold")
        for item in items:
            add_row(table, f"{item.district}/{item.tehsil}", item.batch, item.what, item.detail)
        console.print(table)
    if report.index_error:
        console.print(f"[red]index unavailable:[/red] {report.index_error}; {report.index_pending} record files wait and are indexed on the next run (or `daftar index`)")
    console.print(report.summary())


def deploy(
    inbox: Annotated[Path, typer.Argument(help="Scanner inbox the nightly run reads")],
    home: HomeOption = None,
    cron: Annotated[str, typer.Option(help="When the night's run starts (cron, server time)")] = "0 1 * * *",
    name: Annotated[str, typer.Option(help="Deployment name")] = "nightly",
) -> None:
    """Serve the nightly batch as a Prefect deployment on a cron schedule (runs until stopped).
    With PREFECT_API_URL set it registers with that Prefect server; see also prefect.yaml."""
    _inbox_folder(inbox)
    from flows.batch import nightly

    nightly.serve(name=name, cron=cron, parameters={"inbox": str(inbox.resolve()), "home": str(home_dir(home))})


def index_command(home: HomeOption = None) -> None:
    """Index the record files that are archived but not yet searchable (after the index was down)."""
    from indexers import open_index
    from night.indexing import index_pending
    from store.catalog import Catalog

    settings = load_settings()
    root = home_dir(home)
    catalog, index = Catalog.open(root), open_index(root, settings)
    try:
        outcome = index_pending(catalog, index, root)
    finally:
        index.close()
        catalog.close()
    _print_outcome(outcome.indexed, outcome.pending, outcome.error)


def reindex(home: HomeOption = None) -> None:
    """Rebuild the search index from the archive. On Elasticsearch a new versioned index is built
    and the alias swapped, so search never goes dark; file-number addresses never change."""
    from indexers import open_index
    from night.indexing import reindex_all
    from store.catalog import Catalog

    settings = load_settings()
    root = home_dir(home)
    catalog = Catalog.open(root)
    try:
        index = open_index(root, settings)
        try:
            # Only Elasticsearch has its own reindex (a new version, then the alias swapped); the
            # embedded index is rebuilt record by record from the archive.
            if hasattr(index, "reindex"):
                console.print(index.reindex())
                return
            outcome = reindex_all(catalog, index, root)
        finally:
            index.close()
    finally:
        catalog.close()
    _print_outcome(outcome.indexed, outcome.pending, outcome.error)


def _print_outcome(indexed: int, pending: int, error: str | None) -> None:
    console.print(f"{indexed} record files indexed, {pending} still waiting")
    if error:
        raise IndexUnavailable(error)


def _inbox_folder(inbox: Path) -> None:
    if not inbox.is_dir():
        raise BadInput(f"inbox {inbox} is not a folder")
