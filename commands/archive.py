"""The archive itself: check it against its recorded checksums, hand it over as a BagIt bag."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from commands.common import HomeOption, JsonOption, console, print_json
from domain.config import home_dir, name_key
from domain.errors import ExitCode, UsageError

DistrictOption = Annotated[Optional[str], typer.Option("--district", help="Only this district")]
TehsilOption = Annotated[Optional[str], typer.Option("--tehsil", help="Only this tehsil (with or without --district)")]


def verify(
    home: HomeOption = None,
    district: DistrictOption = None,
    tehsil: TehsilOption = None,
    sample: Annotated[Optional[int], typer.Option("--sample", min=1, help="Check this many record files, chosen at random")] = None,
    as_json: JsonOption = False,
) -> None:
    """Re-hash the archive's record files against the SHA-256 checksums recorded when each was
    written (`checksums.sha256` in its folder) and list every file that is missing, changed or
    extra. Exit 12 if any is; 0 if all are intact. Record files archived before checksums were
    recorded are listed, not failed."""
    from store.fixity import check_archive, problem_lines

    root = home_dir(home)
    result = check_archive(root, _key(district), _key(tehsil), sample)
    if as_json:
        print_json(result.to_json())
    else:
        for folder in result.damaged:
            for line in problem_lines(folder):
                console.print(line, markup=False, highlight=False, soft_wrap=True)
        for folder in result.unrecorded:
            console.print(f"{folder.archive_dir}: no checksums recorded (archived before daftar recorded them)",
                          markup=False, highlight=False, soft_wrap=True)
        console.print(result.summary(), markup=False, highlight=False)
    if result.damaged:
        raise typer.Exit(int(ExitCode.FIXITY))


def export(
    bagit: Annotated[Path, typer.Option("--bagit", help="Write a BagIt bag (SHA-256 manifests) into this new folder")],
    home: HomeOption = None,
    district: DistrictOption = None,
    tehsil: TehsilOption = None,
) -> None:
    """Hand the archive (or one district's or tehsil's part of it) over as a BagIt bag: every record
    folder (PDF, ALTO, record.json, METS, checksums) under data/<district>/<tehsil>/, with SHA-256
    manifests; check it with `bagit.py --validate OUT`. The archive is checked first: if any file
    does not match its checksums nothing is exported (exit 12, see `daftar verify`)."""
    from store.bagit_export import export_bag

    root = home_dir(home)
    if bagit.resolve().is_relative_to(root.resolve()):  # the bag would be part of what it copies
        raise UsageError(f"{bagit} is inside the home {root}: write the bag elsewhere")
    summary = export_bag(root, bagit, _key(district), _key(tehsil))
    console.print(f"bag written: {summary.path} ({summary.record_files} record files, {summary.files} files, "
                  f"{summary.bytes} bytes)", markup=False, highlight=False, soft_wrap=True)


def _key(name: str | None) -> str | None:
    return name_key(name) if name else None
