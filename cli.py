"""daftar: the command line of the record-room digitization pipeline.

Exit codes are an interface (scripts and schedulers rely on them):

\b
  0  ok
  1  unexpected internal error
  2  usage error (unknown option, missing argument)
  3  bad input: the inbox, file or export given does not exist or cannot be read
  4  the batch finished, but some sources were quarantined (see the report)
  5  not found (no record file with that number)
  6  the index is unavailable: archive work is done, documents wait for the next run
  7  installation problem found by `daftar doctor`
  8  configuration invalid
  9  another run is using the same home
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from domain.config import Settings, home_dir
from domain.file_numbers import normalize_any

# Prefect is imported lazily by the commands that run flows; these must be set before that.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # the report and progress bar say what matters


class ExitCode(enum.IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    BAD_INPUT = 3
    QUARANTINED = 4
    NOT_FOUND = 5
    INDEX_UNAVAILABLE = 6
    INSTALLATION = 7
    CONFIG = 8
    BUSY = 9


app = typer.Typer(help=__doc__, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

HomeOption = Annotated[Optional[Path], typer.Option("--home", help="State folder (catalog, archive, index, quarantine). Default: $DAFTAR_HOME or ./daftar-home")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


def fail(message: str, code: ExitCode) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(int(code))


def load_settings(workers: int | None = None, settle: float | None = None) -> Settings:
    try:
        settings = Settings.load()
    except (ValidationError, ValueError, OSError) as error:
        raise fail(f"configuration invalid: {error}", ExitCode.CONFIG)
    updates = {}
    if workers is not None:
        updates["workers"] = workers
    if settle is not None:
        updates["intake"] = settings.intake.model_copy(update={"settle_seconds": settle})
    return settings.model_copy(update=updates) if updates else settings


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


# run --------------------------------------------------------------------------------------------


@app.command()
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
    if not inbox.is_dir():
        raise fail(f"inbox {inbox} is not a folder", ExitCode.BAD_INPUT)
    settings = load_settings(workers, settle_seconds)
    now = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.datetime.now().time()) if as_of else dt.datetime.now()
    from flows.batch import run_inbox
    from store.archive import HomeBusy

    with Progress(TextColumn("[bold]record stacks"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[pages]} pages"),
                  TimeElapsedColumn(), console=err, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task("stacks", total=None, pages=0)

        def progress(done: int, total: int, pages: int) -> None:
            bar.update(task, completed=done, total=total, pages=pages)

        try:
            report = run_inbox(inbox.resolve(), home_dir(home), settings, now, progress)
        except HomeBusy as error:
            raise fail(str(error), ExitCode.BUSY)
    if as_json:
        print_json(report.to_json())
    else:
        print_report(report)
    if report.index_pending:
        raise typer.Exit(int(ExitCode.INDEX_UNAVAILABLE))
    if report.quarantined:
        raise typer.Exit(int(ExitCode.QUARANTINED))


def print_report(report) -> None:
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
        console.print(f"[red]index unavailable:[/red] {report.index_error}; {report.index_pending} record files wait and are indexed on the next run (or `daftar index --pending`)")
    console.print(report.summary())


# search and show ---------------------------------------------------------------------------------


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words (English, Urdu, Hindi), a "quoted phrase", or a file number')],
    home: HomeOption = None,
    district: Annotated[Optional[str], typer.Option(help="Only this district")] = None,
    tehsil: Annotated[Optional[str], typer.Option(help="Only this tehsil")] = None,
    record_type: Annotated[Optional[str], typer.Option(help="Only this record type")] = None,
    limit: Annotated[int, typer.Option(help="Hits to show")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Find record files by words inside them (with page and snippet) or by file number."""
    from indexers import IndexUnavailable, SearchQuery, open_index

    settings = load_settings()
    index = open_index(home_dir(home), settings)
    try:
        number = normalize_any(query, settings)
        exact = index.lookup(number) if number else None
        result = index.search(SearchQuery(text=query, district=district, tehsil=tehsil, record_type=record_type, limit=limit))
    except IndexUnavailable as error:
        raise fail(f"index unavailable: {error}", ExitCode.INDEX_UNAVAILABLE)
    finally:
        index.close()
    hits = ([exact] if exact and (not tehsil or exact.tehsil == tehsil) and (not district or exact.district == district) else []) + result.hits
    if as_json:
        print_json([{"file_number": h.file_number, "file_id": h.file_id, "district": h.district, "tehsil": h.tehsil,
                     "page": h.page, "snippet": h.snippet, "title": h.title, "year": h.year} for h in hits])
        return
    if not hits:
        console.print("no matches")
        return
    table = Table(title=f"{result.total} matching pages" + (" and the file with that number" if exact else ""))
    for column in ("file number", "tehsil", "page", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        add_row(table, hit.file_number, f"{hit.district}/{hit.tehsil}", str(hit.page) if hit.page else "title",
                highlighted(hit.snippet) if hit.snippet else hit.title)
    console.print(table)


@app.command()
def show(
    file_number: Annotated[str, typer.Argument(help="File number in any spelling, or the archive id")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """A record file: its metadata, pages and the path of its archival PDF."""
    from store.archive import read_record
    from store.catalog import Catalog

    settings = load_settings()
    root = home_dir(home)
    catalog = Catalog.open(root)
    try:
        row = catalog.record_file(file_number) or catalog.record_file(normalize_any(file_number, settings) or file_number)
    finally:
        catalog.close()
    if row is None:
        raise fail(f"no record file {file_number!r}", ExitCode.NOT_FOUND)
    record = read_record(root, row["archive_dir"])
    data = record.to_json()
    data["pdf_path"] = str(root / record.pdf)
    if as_json:
        print_json(data)
        return
    table = Table(show_header=False, title=f"record file {record.file_number}")
    for key in ("file_number", "file_number_source", "district", "tehsil", "batch", "stack", "title", "record_type", "year", "languages", "flags", "pdf_path"):
        value = data[key]
        add_row(table, key, ", ".join(value) if isinstance(value, list) else str(value if value is not None else ""))
    console.print(table)
    pages = Table(title="pages")
    for column in ("page", "source", "skew°", "blank", "text"):
        pages.add_column(column, overflow="fold")
    for page in record.pages:
        add_row(pages, str(page.number), f"{page.source} p{page.source_page}", f"{page.skew_degrees:.1f}", "yes" if page.blank else "",
                      page.text[:80].replace("\n", " "))
    console.print(pages)


# index -------------------------------------------------------------------------------------------


@app.command("index")
def index_command(
    home: HomeOption = None,
    pending: Annotated[bool, typer.Option("--pending", help="Index the record files still waiting for the index")] = True,
) -> None:
    """Index the record files that are archived but not yet searchable (after the index was down)."""
    from indexers import open_index
    from store.catalog import Catalog
    from night.indexing import index_pending

    settings = load_settings()
    root = home_dir(home)
    catalog, index = Catalog.open(root), open_index(root, settings)
    try:
        outcome = index_pending(catalog, index, root)
    finally:
        index.close()
        catalog.close()
    console.print(f"{outcome.indexed} record files indexed, {outcome.pending} still waiting")
    if outcome.error:
        raise fail(f"index unavailable: {outcome.error}", ExitCode.INDEX_UNAVAILABLE)


@app.command()
def reindex(home: HomeOption = None) -> None:
    """Rebuild the search index from the archive. On Elasticsearch a new versioned index is built
    and the alias swapped, so search never goes dark; file-number addresses never change."""
    from indexers import IndexUnavailable, open_index
    from store.catalog import Catalog
    from night.indexing import reindex_all

    settings = load_settings()
    root = home_dir(home)
    catalog = Catalog.open(root)
    try:
        index = open_index(root, settings)
        try:
            if hasattr(index, "reindex"):  # Elasticsearch: a new version, then the alias swapped
                console.print(index.reindex())
                return
            outcome = reindex_all(catalog, index, root)
        finally:
            index.close()
    except IndexUnavailable as error:
        raise fail(f"index unavailable: {error}", ExitCode.INDEX_UNAVAILABLE)
    finally:
        catalog.close()
    console.print(f"{outcome.indexed} record files indexed, {outcome.pending} still waiting")
    if outcome.error:
        raise fail(f"index unavailable: {outcome.error}", ExitCode.INDEX_UNAVAILABLE)


# checking a page before the night ---------------------------------------------------------------


PathsArgument = Annotated[list[Path], typer.Argument(help="Page images or PDFs")]


def _existing(paths: list[Path]) -> list[Path]:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise fail(f"no such file: {', '.join(missing)}", ExitCode.BAD_INPUT)
    return paths


@app.command()
def barcodes(paths: PathsArgument, as_json: JsonOption = False) -> None:
    """Show every barcode daftar reads on each page (value, symbology, position, decoder), to check
    labels and separator sheets before a night's run."""
    from extractors.barcodes import describe_barcodes

    described = describe_barcodes(_existing(paths))
    if as_json:
        print_json(described)
    else:
        table = Table(title="barcodes")
        for column in ("file", "page", "value", "symbology", "position (x, y, w, h)", "decoder"):
            table.add_column(column, overflow="fold")
        for entry in described:
            if entry.get("error"):
                add_row(table, entry["path"], "", Text(entry["error"], style="red"), "", "", "")
            if not entry["barcodes"] and not entry.get("error"):
                add_row(table, entry["path"], "", "(none found)", "", "", "")
            for code in entry["barcodes"]:
                add_row(table, entry["path"], str(code["page"]), code["value"], code["symbology"], str(tuple(code["box"])), code["decoder"])
        console.print(table)
    if any(entry.get("error") for entry in described):
        raise typer.Exit(int(ExitCode.BAD_INPUT))


@app.command()
def inspect(paths: PathsArgument, as_json: JsonOption = False) -> None:
    """Show what page cleaning finds on each page: skew (degrees, counter-clockwise positive),
    orientation, blank, script, and the confidence of each."""
    from pipeline.pages import UnreadableSource
    from pipeline.preprocess import inspect_pages

    settings = load_settings()
    try:
        report = inspect_pages(_existing(paths), settings.cleaning, settings.ocr.dpi)
    except UnreadableSource as error:
        raise fail(str(error), ExitCode.BAD_INPUT)
    if as_json:
        print_json(report)
        return
    table = Table(title="page cleaning")
    for column in ("file", "page", "skew°", "orientation", "blank", "script"):
        table.add_column(column, overflow="fold")
    for entry in report:
        for page in entry["pages"]:
            add_row(table, entry["path"], str(page["page"]), f"{page['skew_degrees']:+.2f} ({page['skew_confidence']:.2f})",
                          f"{page['orientation']} ({page['orientation_confidence']:.2f})",
                          f"{'yes' if page['blank'] else 'no'} ({page['blank_confidence']:.2f})",
                          f"{page['script'] or '?'} ({page['script_confidence']:.2f})")
    console.print(table)


# the nightly schedule ---------------------------------------------------------------------------


@app.command()
def deploy(
    inbox: Annotated[Path, typer.Argument(help="Scanner inbox the nightly run reads")],
    home: HomeOption = None,
    cron: Annotated[str, typer.Option(help="When the night's run starts (cron, server time)")] = "0 1 * * *",
    name: Annotated[str, typer.Option(help="Deployment name")] = "nightly",
) -> None:
    """Serve the nightly batch as a Prefect deployment on a cron schedule (runs until stopped).
    With PREFECT_API_URL set it registers with that Prefect server; see also prefect.yaml."""
    from flows.batch import nightly

    if not inbox.is_dir():
        raise fail(f"inbox {inbox} is not a folder", ExitCode.BAD_INPUT)
    nightly.serve(name=name, cron=cron, parameters={"inbox": str(inbox.resolve()), "home": str(home_dir(home))})


# progress ----------------------------------------------------------------------------------------


class ProgressFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def progress(
    home: HomeOption = None,
    district: Annotated[Optional[str], typer.Option(help="Only this district")] = None,
    fmt: Annotated[ProgressFormat, typer.Option("--format", help="table, csv or json")] = ProgressFormat.table,
    as_json: JsonOption = False,
) -> None:
    """Per tehsil: record files and pages done, quarantined, flagged, waiting; pace against the target."""
    from store.catalog import Catalog
    from pipeline.progress import render_progress

    settings = load_settings()
    catalog = Catalog.open(home_dir(home))
    try:
        text = render_progress(catalog, settings, dt.date.today(), district, "json" if as_json else fmt.value)
    finally:
        catalog.close()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# web, users, e-Office ----------------------------------------------------------------------------


@app.command()
def serve(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for the whole office network)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the search pages, record files, progress dashboard and JSON API (docs at /docs)."""
    import uvicorn

    from web.app import create_app

    uvicorn.run(create_app(home_dir(home), load_settings()), host=host, port=port, proxy_headers=True)


user_app = typer.Typer(help="Users of the web pages and the API: record keepers, Deputy Commissioners, administrators.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Log-in name")],
    role: Annotated[str, typer.Option(help="keeper (tehsils), dc (districts) or admin")],
    tehsil: Annotated[Optional[list[str]], typer.Option("--tehsil", help="A record keeper's tehsil: NAME or DISTRICT/NAME; repeat for more")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="A Deputy Commissioner's district; repeat for more")] = None,
    home: HomeOption = None,
) -> None:
    """Add a user. The password is read from DAFTAR_PASSWORD, else prompted for (twice)."""
    from store.users import UsageError, add_user, make_user

    settings = load_settings()
    try:
        make_user(name, role, tehsil or [], district or [], settings)  # a wrong scope fails before the prompt
        password = os.environ.get("DAFTAR_PASSWORD") or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = add_user(home_dir(home), name, role, tehsil or [], district or [], password, settings)
    except UsageError as error:
        raise fail(str(error), ExitCode.USAGE)
    console.print(f"added {user.name} ({user.role}: {user.scope_label()})", highlight=False)


@user_app.command("token")
def user_token(name: Annotated[str, typer.Argument(help="Log-in name")], home: HomeOption = None) -> None:
    """Print a new API token for the user (shown once; send it as `Authorization: Bearer <token>`)."""
    from store.users import UsageError, issue_token

    try:
        token = issue_token(home_dir(home), name)
    except UsageError as error:
        raise fail(str(error), ExitCode.NOT_FOUND)
    sys.stdout.write(token + "\n")


@user_app.command("password")
def user_password(name: Annotated[str, typer.Argument(help="Log-in name")], home: HomeOption = None) -> None:
    """Set a new password (DAFTAR_PASSWORD or a prompt); the user's open sessions end."""
    from store.users import UsageError, set_password

    password = os.environ.get("DAFTAR_PASSWORD") or typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(home_dir(home), name, password)
    except UsageError as error:
        raise fail(str(error), ExitCode.USAGE)


@user_app.command("remove")
def user_remove(name: Annotated[str, typer.Argument(help="Log-in name")], home: HomeOption = None) -> None:
    """Remove a user with their sessions and API tokens."""
    from store.users import remove_user

    if not remove_user(home_dir(home), name):
        raise fail(f"no user {name!r}", ExitCode.NOT_FOUND)


@user_app.command("list")
def user_list(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Every user with role and scope."""
    from store.users import list_users

    users = list_users(home_dir(home))
    if as_json:
        print_json([{"name": u.name, "role": u.role, "districts": list(u.districts), "tehsils": list(u.tehsils)} for u in users])
        return
    table = Table(title="users")
    for column in ("name", "role", "scope"):
        table.add_column(column)
    for u in users:
        add_row(table, u.name, u.role, u.scope_label())
    console.print(table)


@app.command()
def audit(
    home: HomeOption = None,
    file_number: Annotated[Optional[str], typer.Option("--file", help="Only this record file (normalized number)")] = None,
    user: Annotated[Optional[str], typer.Option(help="Only this user")] = None,
    limit: Annotated[int, typer.Option(help="Entries to show, newest first")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Who viewed or downloaded which record file, and when (refused attempts show as `denied`)."""
    from store.audit import audit_entries

    entries = audit_entries(home_dir(home), file_number, user, limit)
    if as_json:
        print_json([entry.__dict__ for entry in entries])
        return
    table = Table(title="audit log")
    for column in ("when (UTC)", "user", "action", "file number", "page", "via", "client"):
        table.add_column(column, overflow="fold")
    for e in entries:
        add_row(table, e.at, e.user, e.action, e.file_number, str(e.page or ""), e.via, e.client or "")
    console.print(table)


@app.command("link-eoffice")
def link_eoffice(
    export: Annotated[Path, typer.Argument(help="e-Office export: CSV or JSON (e-file number, subject, date, cited legacy file numbers)")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link e-files to the legacy record files they cite; report citations not in the archive (yet).
    Those stay stored and are linked by themselves once the file is scanned."""
    from store.eoffice import import_eoffice_export

    if not export.is_file():
        raise fail(f"no export at {export}", ExitCode.BAD_INPUT)
    try:
        report = import_eoffice_export(export, home_dir(home), load_settings())
    except (ValueError, UnicodeDecodeError) as error:  # json.JSONDecodeError is a ValueError
        raise fail(f"cannot read {export}: {error}", ExitCode.BAD_INPUT)
    if as_json:
        print_json({"export": report.export, "efiles": report.efiles, "citations": report.citations, "linked": report.linked,
                    "unmatched": [{"efile_number": c.efile_number, "cited": c.cited_raw, "number": c.cited_number,
                                   "recognized": c.recognized} for c in report.unmatched],
                    "skipped": report.skipped})
        return
    console.print(report.summary(), highlight=False)
    if report.unmatched:
        table = Table(title="citations not in the archive (yet)")
        for column in ("e-file", "cited as", "file number"):
            table.add_column(column, overflow="fold")
        for c in report.unmatched:
            add_row(table, c.efile_number, c.cited_raw, c.cited_number if c.recognized else f"{c.cited_number} (no pattern reads it)")
        console.print(table)
    for line in report.skipped:
        err.print(f"skipped {line}", highlight=False)


# doctor ------------------------------------------------------------------------------------------


@app.command()
def doctor(home: HomeOption = None) -> None:
    """Check the installation: Tesseract and its languages, Ghostscript, zbar, OCRmyPDF, the index."""
    settings = load_settings()
    checks = []
    tesseract = shutil.which("tesseract")
    checks.append(("tesseract", bool(tesseract), _version(["tesseract", "--version"]) if tesseract else "not found (apt install tesseract-ocr)"))
    if tesseract:
        langs = set(subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()[1:]) if tesseract else set()
        needed = {"osd"} | {code for d in settings.districts.values() for code in d.languages} | {"eng", "urd"}
        missing = sorted(needed - langs)
        checks.append(("tesseract languages", not missing, f"have {' '.join(sorted(langs))}" + (f"; missing {' '.join(missing)} (apt install tesseract-ocr-<lang>)" if missing else "")))
    gs = shutil.which("gs")
    checks.append(("ghostscript", bool(gs), _version(["gs", "--version"]) if gs else "not found (apt install ghostscript)"))
    checks.append(("pdftoppm (poppler)", bool(shutil.which("pdftoppm")), "ok" if shutil.which("pdftoppm") else "not found (apt install poppler-utils)"))
    try:
        from pyzbar import pyzbar  # noqa: F401

        checks.append(("zbar", True, "libzbar loaded"))
    except Exception as error:  # ImportError or OSError when libzbar0 is missing
        checks.append(("zbar", False, f"{error} (apt install libzbar0)"))
    try:
        import ocrmypdf

        checks.append(("ocrmypdf", True, ocrmypdf.__version__))
    except ImportError as error:
        checks.append(("ocrmypdf", False, str(error)))
    checks.append(_index_check(home_dir(home), settings))
    table = Table(title="daftar doctor")
    for column in ("check", "ok", "detail"):
        table.add_column(column, overflow="fold")
    for name, ok, detail in checks:
        add_row(table, name, Text("ok", style="green") if ok else Text("FAIL", style="red"), detail)
    console.print(table)
    if not all(ok for _, ok, _ in checks):
        raise typer.Exit(int(ExitCode.INSTALLATION))


def _version(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "?"


def _index_check(home: Path, settings: Settings) -> tuple[str, bool, str]:
    from indexers import IndexUnavailable, open_index

    name = f"index ({settings.index.backend})"
    try:
        index = open_index(home, settings)
        try:
            return name, True, f"{index.count()} record files"
        finally:
            index.close()
    except (IndexUnavailable, OSError) as error:
        return name, False, str(error)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130)


if __name__ == "__main__":
    main()
