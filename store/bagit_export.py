"""A BagIt bag (RFC 8493) of the archive, or of one district or tehsil, for handing it over to the
state archives: the record folders as they are in the archive, under `data/<district>/<tehsil>/`,
with SHA-256 manifests made by the `bagit` package (the Library of Congress's). Every folder is
checked against its own recorded checksums first, so a damaged file is never handed over as if it
were sound."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import bagit

from domain.errors import FixityFailed, NotFound, UsageError
from store.fixity import check_folder, problem_lines, record_folders


@dataclass(frozen=True)
class BagSummary:
    path: Path
    record_files: int
    files: int
    bytes: int


def export_bag(home: Path, out: Path, district_key: str | None = None, tehsil_key: str | None = None,
               now: dt.datetime | None = None) -> BagSummary:
    """Copy the record folders into a new bag at `out` (a folder that does not exist yet, or an
    empty one) and write its manifests. The archive is only read."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists and is not an empty folder: give a new folder for the bag")
    folders = record_folders(home, district_key, tehsil_key)
    if not folders:
        raise NotFound("no record files in the archive" + (f" for {'/'.join(filter(None, (district_key, tehsil_key)))}"
                                                            if district_key or tehsil_key else ""))
    damaged = [line for folder in folders for line in problem_lines(check_folder(home, folder))]
    if damaged:
        raise FixityFailed(f"{len(damaged)} files do not match their recorded checksums; nothing was exported "
                           f"(`daftar verify` lists them): {'; '.join(damaged[:5])}")
    out.mkdir(parents=True, exist_ok=True)
    try:
        for folder in folders:
            shutil.copytree(home / folder, out / Path(folder).relative_to("archive"),
                            ignore=shutil.ignore_patterns(".*"))  # a write in progress is not part of it
        bag = bagit.make_bag(str(out), bag_info=_bag_info(district_key, tehsil_key, now or dt.datetime.now()),
                             checksums=["sha256"])
    except BaseException:  # a half-made bag is not a bag: nothing is left that could be taken for one
        shutil.rmtree(out, ignore_errors=True)
        raise
    octets, streams = (int(part) for part in bag.info["Payload-Oxum"].split("."))
    return BagSummary(out, len(folders), streams, octets)


def _bag_info(district_key: str | None, tehsil_key: str | None, now: dt.datetime) -> dict[str, str]:
    scope = "/".join(part for part in (district_key, tehsil_key) if part) or "the whole archive"
    return {"Source-Organization": "daftar record-room archive",
            "External-Description": f"Record files of {scope}: for each, the archival PDF, ALTO full text, "
                                    "record.json, METS (mets.xml) and its own checksums.sha256",
            "Bagging-Date": now.date().isoformat(),
            "Bag-Group-Identifier": scope}
