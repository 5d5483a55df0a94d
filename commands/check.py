"""`daftar check INBOX`: tonight's run, said before it runs (a dry run that writes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from commands.common import (
    HomeOption,
    JsonOption,
    add_row,
    console,
    inbox_folder,
    new_table,
    print_json,
    with_overrides,
)
from domain.config import home_dir, load_checked
from domain.errors import ConfigInvalid

if TYPE_CHECKING:
    from night.preview import NightPreview


def check(
    inbox: Annotated[Path, typer.Argument(help="Scanner inbox: <inbox>/<district>/<tehsil>/<batch>/...")],
    home: HomeOption = None,
    settle_seconds: Annotated[Optional[float], typer.Option(help="Leave files younger than this for the next run (default from config)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Say what tonight's run will do, writing nothing: batches, stacks and their pages, what is
    already done, still being copied in or will be quarantined, districts and tehsils with no
    config (and the defaults they get), files at the wrong depth, folder names taken for one
    tehsil, and every configuration problem. Exit 0 when the night can run, 8 when the
    configuration stops it."""
    from night.preview import preview_night  # reads page headers: loads the image and PDF libraries

    settings, problems = load_checked()
    preview = preview_night(inbox_folder(inbox).resolve(), home_dir(home), with_overrides(settings, settle=settle_seconds), problems)
    if as_json:
        print_json(preview.to_json())
    else:
        print_preview(preview)
    if not preview.can_run:
        raise ConfigInvalid(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} (listed above): the night cannot run until they are fixed")


def print_preview(preview: NightPreview) -> None:
    if preview.stacks:
        table = new_table("Batches", ("tehsil", "batch", "new", "pages", "done", "copying", "bad"))
        for batch in preview.batches:
            stacks = [s for s in preview.stacks if (s.district, s.tehsil, s.batch) == (batch.district, batch.tehsil, batch.name)]
            add_row(table, f"{batch.district}/{batch.tehsil}", batch.name, _count(stacks, "new"), sum(s.pages for s in stacks),
                    _count(stacks, "done"), _count(stacks, "settling"), sum(len(s.quarantine) for s in stacks))
        table.caption = "stacks: new (to process), done (in an earlier run), copying (still being copied in); bad: files to quarantine"
        console.print(table)
    _section("Still being copied in (waits for the next run)", ("tehsil", "batch", "stack", "why"),
             [(f"{s.district}/{s.tehsil}", s.batch, s.name, s.detail) for s in preview.stacks if s.state == "settling"])
    _section("Will be quarantined", ("tehsil", "batch", "file", "reason"),
             [(f"{s.district}/{s.tehsil}", s.batch, file, reason) for s in preview.stacks for file, reason in s.quarantine])
    _section("At the wrong depth or not read (waits until moved or renamed; links and bad names: quarantined)",
             ("file", "reason"), [(item.what, item.reason) for item in preview.misplaced])
    _section("No configuration (runs with these settings)", ("district", "tehsil", "languages", "file-number patterns"),
             [(u.district, u.tehsil or "(all)", "+".join(u.languages), ", ".join(u.file_number_patterns) or "-")
              for u in preview.unconfigured])
    for note in dict.fromkeys(f"{'tehsils' if u.tehsil else 'districts'} without configuration: {u.note}" for u in preview.unconfigured):
        console.print(note, highlight=False, markup=False)
    _section("Names taken for one", ("level", "folders"), [(c.level, ", ".join(c.folders)) for c in preview.collisions])
    _section("Configuration problems", ("file", "line", "field", "what to fix"),
             [(p.file, p.line or "", p.field, p.message) for p in preview.problems])
    console.print(summary(preview), highlight=False, soft_wrap=True)


def summary(preview: NightPreview) -> str:
    verdict = "the night can run" if preview.can_run else "the night cannot run: fix the configuration"
    return (f"{len(preview.batches)} batches: {preview.count('new')} stacks to process ({preview.pages} pages), "
            f"{preview.count('done')} already done, {preview.count('settling')} still being copied in, "
            f"{sum(len(s.quarantine) for s in preview.stacks)} files to quarantine, {len(preview.misplaced)} at the wrong depth, "
            f"{len(preview.unconfigured)} without configuration, {len(preview.collisions)} name collisions; {verdict}")


def _count(stacks: list, state: str) -> int:
    return sum(1 for stack in stacks if stack.state == state)


def _section(title: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        table = new_table(title, columns)
        for row in rows:
            add_row(table, *row)
        console.print(table)
