"""`daftar doctor`: is everything daftar needs installed and reachable?"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import typer
from rich.text import Text

from commands.common import HomeOption, add_row, console, load_settings, new_table
from domain.config import Settings, home_dir
from domain.errors import ExitCode, IndexUnavailable

Check = tuple[str, bool, str]  # what was checked, whether it passed, what was found


def doctor(home: HomeOption = None) -> None:
    """Check the installation: Tesseract and its languages, the Urdu Nastaliq model, Ghostscript, zbar, OCRmyPDF,
    the database of the catalog and users, the index."""
    settings = load_settings()
    checks = [*_tesseract_checks(settings), _nastaliq_check(), _ghostscript_check(), _pdftoppm_check(), _zbar_check(),
              _ocrmypdf_check(), _database_check(home_dir(home)), _index_check(home_dir(home), settings)]
    table = new_table("daftar doctor", ("check", "ok", "detail"))
    for name, ok, detail in checks:
        add_row(table, name, Text("ok", style="green") if ok else Text("FAIL", style="red"), detail)
    console.print(table)
    # The table says what failed; the exit code is the verdict scripts read.
    if not all(ok for _, ok, _ in checks):
        raise typer.Exit(int(ExitCode.INSTALLATION))


def _tesseract_checks(settings: Settings) -> list[Check]:
    from pipeline import tesseract
    from pipeline.script import read_with

    version = tesseract.version()
    if version is None:
        return [("tesseract", False, "not found (apt install tesseract-ocr)")]
    have = tesseract.installed_languages()
    languages = {"eng", "urd"} | {code for district in settings.districts.values() for code in district.languages}
    needed = {"osd", *read_with(sorted(languages), settings.ocr.models)}  # Hindi is read with the Devanagari model too
    missing = sorted(needed - have)
    detail = f"have {' '.join(sorted(have))}" + (f"; missing {' '.join(missing)} (apt install tesseract-ocr-<lang>)" if missing else "")
    return [("tesseract", True, version), ("tesseract languages", not missing, detail)]


def _nastaliq_check() -> Check:
    from pipeline import tessdata, urdu_model

    problem = tessdata.model_problem(urdu_model.NASTALIQ_MODEL)
    name = f"Urdu Nastaliq model ({urdu_model.NASTALIQ_MODEL})"
    return name, problem is None, problem or f"loads from {tessdata.SHIPPED_MODELS}"


def _ghostscript_check() -> Check:
    if not shutil.which("gs"):
        return "ghostscript", False, "not found (apt install ghostscript)"
    result = subprocess.run(["gs", "--version"], capture_output=True, text=True)
    lines = (result.stdout or result.stderr).strip().splitlines()
    return "ghostscript", True, lines[0] if lines else "?"


def _pdftoppm_check() -> Check:
    found = bool(shutil.which("pdftoppm"))
    return "pdftoppm (poppler)", found, "ok" if found else "not found (apt install poppler-utils)"


def _zbar_check() -> Check:
    try:
        from pyzbar import pyzbar  # noqa: F401
    except Exception as error:  # ImportError or OSError when libzbar0 is missing
        return "zbar", False, f"{error} (apt install libzbar0)"
    return "zbar", True, "libzbar loaded"


def _ocrmypdf_check() -> Check:
    from pipeline import ocrmypdf

    try:
        return "ocrmypdf", True, ocrmypdf.version()
    except ImportError as error:
        return "ocrmypdf", False, str(error)


def _database_check(home: Path) -> Check:
    from store.database import stores_check

    return ("database", *stores_check(home))  # of the catalog, users, audit log and e-Office links


def _index_check(home: Path, settings: Settings) -> Check:
    from indexers import open_index

    name = f"index ({settings.index.backend})"
    try:
        index = open_index(home, settings)
        try:
            health = index.health()  # Elasticsearch: the cluster's status and nodes too; red fails
            return name, health.ok, health.detail
        finally:
            index.close()
    except (IndexUnavailable, OSError) as error:
        return name, False, str(error)

