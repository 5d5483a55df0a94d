"""The night's commands: run a batch, deploy it on a Prefect server's schedule, and bring the index up to date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from commands.common import HomeOption, JsonOption, add_row, console, err, load_settings, option_date, print_json
from domain.config import Settings, home_dir
from domain.errors import BadInput, ExitCode, IndexUnavailable, NightEnded, UsageError
from domain.report import BatchReport
from pipeline.processes import stop_on_signals
from store.archive import exclusive_run


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
    now = dt.datetime.combine(option_date(as_of), dt.datetime.now().time()) if as_of else dt.datetime.now()  # type: ignore[arg-type]
    # The home's lock first, before anything heavy loads or starts (Prefect): a second run on the
    # same home is refused at once. A stop before the night begins ends the command there.
    with exclusive_run(home_dir(home)), stop_on_signals(at_once=True):
        try:
            report = _night(inbox, home, settings, now, as_json)
        except NightEnded as ended:  # stopped, or the disk full: what was recorded, then the error
            if ended.report is not None:
                _print(ended.report, as_json)
            raise
    _print(report, as_json)
    # Results, not errors: the batch finished and the report says what is left to do.
    if report.index_pending:
        raise typer.Exit(int(ExitCode.INDEX_UNAVAILABLE))
    if report.quarantined:
        raise typer.Exit(int(ExitCode.QUARANTINED))


def _night(inbox: Path, home: Optional[Path], settings: Settings, now: dt.datetime, as_json: bool) -> BatchReport:
    from flows.launch import launch_night  # Prefect loads only when the night has work for it

    with Progress(TextColumn("[bold]record stacks"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[pages]} pages"),
                  TimeElapsedColumn(), console=err, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task("stacks", total=None, pages=0)

        def progress(done: int, total: int, pages: int) -> None:
            bar.update(task, completed=done, total=total, pages=pages)

        return launch_night(inbox.resolve(), home_dir(home), settings, now, progress)


def _print(report: BatchReport, as_json: bool) -> None:
    if as_json:
        print_json(report.to_json())
    else:
        print_report(report)


def print_report(report: BatchReport) -> None:
    for title, items, style in (("Done", report.done, "green"), ("Flagged for review", report.flagged, "yellow"),
                                ("Quarantined", report.quarantined, "red"), ("Waiting for the next run", report.waiting, "cyan"),
                                ("Damaged in the archive (daftar verify)", report.damaged, "red")):
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
    cron: Annotated[Optional[str], typer.Option(help="When the night starts (cron; default from config: 0 1 * * *)")] = None,
    timezone: Annotated[Optional[str], typer.Option(help="Timezone the cron is read in (default from config: Asia/Kolkata; AJK, KP: Asia/Karachi)")] = None,
    name: Annotated[str, typer.Option(help="Deployment name (prefect.yaml's is nightly-prefect-yaml)")] = "nightly",
    pool: Annotated[str, typer.Option(help="Prefect work pool, created if missing")] = "daftar",
    heartbeat_seconds: Annotated[int, typer.Option(help="Seconds between a run's heartbeats (30 or more); a run silent "
                                                        "for three is marked Crashed")] = 60,
) -> None:
    """Deploy the nightly batch to the Prefect server at PREFECT_API_URL: a cron schedule in the
    district's timezone, on a process work pool (created if missing). Prints what must keep running."""
    _inbox_folder(inbox)
    configured = load_settings().schedule
    overrides = {key: value for key, value in (("cron", cron), ("timezone", timezone)) if value}
    try:
        schedule = configured.model_validate({**configured.model_dump(), **overrides})
    except ValidationError as error:  # an unknown timezone
        raise UsageError("; ".join(problem["msg"].removeprefix("Value error, ") for problem in error.errors())) from error
    from flows.deploy import deploy_nightly

    deployed = deploy_nightly(inbox.resolve(), home_dir(home).resolve(), schedule, name, pool, heartbeat_seconds)
    console.print(f"deployed {deployed.deployment} to {deployed.api_url}: cron {schedule.cron!r} in {schedule.timezone}, "
                  f"work pool {deployed.pool}{' (created)' if deployed.pool_created else ''}", highlight=False)
    console.print(f"a run that sends no heartbeat for {deployed.crashed_after_seconds} s (its worker died) is marked "
                  f"Crashed (automation {deployed.crash_detection!r})", highlight=False)
    console.print("For the nights to run, keep these running (deploy/ has systemd units for both):", highlight=False)
    console.print("  prefect server start", highlight=False)
    console.print(f"  PREFECT_API_URL={deployed.api_url} prefect worker start --pool {deployed.pool}", highlight=False)
    console.print("The nights read the worker's environment (DAFTAR_CONFIG, DAFTAR_INDEX, DAFTAR_ES_URL, ...).", highlight=False)
    console.print(f"Run a night now: prefect deployment run {deployed.deployment}", highlight=False)


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
