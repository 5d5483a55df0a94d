"""Checking pages before the night: the barcodes daftar reads and what page cleaning finds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from commands.common import JsonOption, add_row, console, load_settings, new_table, print_json
from domain.errors import BadInput, ExitCode, UnreadableSource

PathsArgument = Annotated[list[Path], typer.Argument(help="Page images or PDFs")]


def barcodes(paths: PathsArgument, as_json: JsonOption = False) -> None:
    """Show every barcode daftar reads on each page (value, symbology, position, decoder), to check
    labels and separator sheets before a night's run."""
    from night.checks import describe_barcodes  # loads OpenCV and the decoders

    described = describe_barcodes(_existing(paths))
    if as_json:
        print_json(described)
    else:
        table = new_table("barcodes", ("file", "page", "value", "symbology", "position (x, y, w, h)", "decoder"))
        for entry in described:
            if entry.get("error"):
                add_row(table, entry["path"], "", Text(entry["error"], style="red"), "", "", "")
            if not entry["barcodes"] and not entry.get("error"):
                add_row(table, entry["path"], "", "(none found)", "", "", "")
            for code in entry["barcodes"]:
                add_row(table, entry["path"], str(code["page"]), code["value"], code["symbology"], str(tuple(code["box"])), code["decoder"])
        console.print(table)
    # The table already names the unreadable files: the exit code is the whole verdict.
    if any(entry.get("error") for entry in described):
        raise typer.Exit(int(ExitCode.BAD_INPUT))


def inspect(paths: PathsArgument, as_json: JsonOption = False) -> None:
    """Show what page cleaning finds on each page: skew (degrees, counter-clockwise positive),
    orientation, blank, script, the confidence of each, and the decisions left undone for want
    of confidence. An input `daftar run` would quarantine is named with the same reason and the
    others still shown; the exit code is then 3."""
    from night.checks import inspect_pages  # loads OpenCV
    from pipeline.intake import readable_pages

    settings = load_settings()
    report = []
    for path in _existing(paths):
        try:
            readable_pages(path, settings.intake.max_source_bytes)
            report.extend(inspect_pages([path], settings.cleaning, settings.ocr.dpi))
        except UnreadableSource as error:
            report.append({"path": str(path), "pages": [], "error": str(error)})
    if as_json:
        print_json(report)
    else:
        console.print(_inspect_table(report))
    if any(entry.get("error") for entry in report):
        raise typer.Exit(int(ExitCode.BAD_INPUT))


def _inspect_table(report: list[dict]):
    table = new_table("page cleaning", ("file", "page", "skew°", "orientation", "blank", "script", "uncertain"))
    for entry in report:
        if entry.get("error"):
            add_row(table, entry["path"], "", Text(entry["error"], style="red"), "", "", "", "")
        for page in entry["pages"]:
            add_row(table, entry["path"], str(page["page"]), f"{page['skew_degrees']:+.2f} ({page['skew_confidence']:.2f})",
                    f"{page['orientation']} ({page['orientation_confidence']:.2f})",
                    f"{'yes' if page['blank'] else 'no'} ({page['blank_confidence']:.2f})",
                    f"{page['script'] or '?'} ({page['script_confidence']:.2f})", ", ".join(page["uncertain"]))
    return table


def _existing(paths: list[Path]) -> list[Path]:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise BadInput(f"no such file: {', '.join(missing)}")
    return paths
