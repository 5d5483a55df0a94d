"""Re-scans: a quarantined scan (corrupt, empty, encrypted...) scanned again. The team drops the
new file into the inbox, into a batch of the same tehsil, and names what it replaces with
`daftar requeue ENTRY --with FILE` (or the web's review page, or a `replaces` column in the batch's
manifest, read by the night itself). The next night processes the re-scan like any scan; once it is
done, the quarantine entry is closed (out of the review queue) and progress counts the source
once, as its re-scan. The quarantined original stays in the inbox and in the quarantine, untouched.
"""

from __future__ import annotations

import datetime as dt
import stat
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from domain.errors import NotFound, UsageError
from domain.model import Batch
from domain.translatable import N_, Said, recognised
from night.corrections import checked_reason
from pipeline.intake import QUARANTINE_REASONS, Manifest, ManifestEntry, stack_paths
from store.audit import AuditLog
from store.catalog import Catalog
from store.sources import Replacement, SourceState


NOT_REGULAR = N_("%(file)s is not a regular file (a link or a folder): give the scanned file itself")


@dataclass(frozen=True)
class Requeued:
    """A re-scan noted: the quarantined source, its re-scan, and whether the re-scan was done already
    (then the entry is closed now, else by the night that does it)."""

    original: SourceState
    rescan: str
    closed: bool

    @property
    def entry(self) -> str:
        return batch_entry(self.original)


def requeue(home: Path, user: str, entry: str, rescan: Path, reason: str, via: str = "cli",
            client: str | None = None, when: dt.datetime | None = None,
            place: tuple[str, str] | None = None) -> Requeued:
    """Note `rescan` (a file in the inbox) as the replacement of the quarantined source `entry`
    (its path, or its end: `2026-11-22/scan_0004.pdf`, `scan_0004.pdf`), of the tehsil `place`
    (district, tehsil) when given. `rescan` relative: below the original's tehsil folder."""
    reason = checked_reason(reason)
    when = when or dt.datetime.now(dt.timezone.utc)
    with closing(Catalog.open(home)) as catalog:
        original = quarantined_entry(catalog, entry, *(place or (None, None)))
        key = _rescan_key(original, rescan if rescan.is_absolute() else tehsil_folder(original) / rescan, str(rescan))
        known = catalog.source(Path(key))
        if known is not None and known.state == "quarantined":
            quarantined_for = recognised(known.reason, QUARANTINE_REASONS) or known.reason  # the night's words
            raise UsageError(Said(N_("%(rescan)s was quarantined too (%(reason)s): scan it again"),
                                  {"rescan": str(rescan), "reason": quarantined_for}))
        closed = _note(home, catalog, original, key, user, reason, via, client, when)
    return Requeued(original, key, closed)


def note_manifest_rescans(catalog: Catalog, home: Path, batch: Batch, manifest: Manifest, when: dt.datetime) -> list[str]:
    """Note each re-scan the batch's manifest names in its `replaces` column, as `daftar requeue`
    would (by the row's operator, else `manifest`); returns the rows that name no single open
    quarantine entry of the tehsil, or no stack of the batch, for the batch report."""
    stacks = stack_paths(batch)
    problems = []
    for entry in manifest.entries.values():
        if entry.replaces:
            try:
                _note_manifest_row(catalog, home, batch, entry, stacks.get(entry.source, []), when)
            except (NotFound, UsageError) as error:
                problems.append(f"{entry.source} replaces {entry.replaces}: not noted, {error}")
    return problems


def _note_manifest_row(catalog: Catalog, home: Path, batch: Batch, entry: ManifestEntry, paths: list[Path],
                       when: dt.datetime) -> None:
    if not paths:
        raise NotFound(Said(N_("the batch has no scan or folder %(source)s"), {"source": entry.source}))
    noted = catalog.replacement_by(paths[0])
    if noted is not None and _names(noted.replaces, entry.replaces):
        return  # noted on an earlier night
    original = quarantined_entry(catalog, entry.replaces, batch.district, batch.tehsil)
    key = _rescan_key(original, paths[0], f"{batch.name}/{entry.source}")
    _note(home, catalog, original, key, entry.operator or "manifest", f"named in the manifest of batch {batch.name}",
          "manifest", None, when)


def _note(home: Path, catalog: Catalog, original: SourceState, key: str, user: str, reason: str, via: str,
          client: str | None, when: dt.datetime) -> bool:
    """The replacement in the catalog and the act in the audit log; whether it closed the entry already."""
    closed = catalog.replace_source(original.path, Path(key), user, reason, when)
    with closing(AuditLog.open(home)) as audit:
        audit.record(user, "requeue", batch_entry(original), via=via, client=client, when=when)
    return closed


def quarantined_entry(catalog: Catalog, entry: str, district: str | None = None, tehsil: str | None = None) -> SourceState:
    """The open quarantine entry `entry` names (of one tehsil, or any): its full path or the end
    of it, if only one has it."""
    found = [source for source in catalog.open_quarantine(district, tehsil) if _names(source.path, entry)]
    if not found:
        raise NotFound(Said(N_("no quarantined scan %(entry)s is waiting for a re-scan (`daftar review` lists them)"),
                            {"entry": repr(entry)}))
    if len(found) > 1:
        named = ", ".join(f"{s.district}/{s.tehsil}/{batch_entry(s)}" for s in found[:5])
        raise UsageError(Said(N_("%(entry)s names %(count)d quarantined scans (%(named)s): give more of its path"),
                              {"entry": repr(entry), "count": len(found), "named": named}))
    return found[0]


def _names(path: str, entry: str) -> bool:
    """Whether `entry` (a path, or the end of one) names the source at `path`."""
    wanted = entry.strip().rstrip("/")
    return bool(wanted) and (path == wanted or path.endswith("/" + wanted.lstrip("/")))


def tehsil_folder(original: SourceState) -> Path:
    """The inbox folder of the quarantined source's tehsil, where its re-scan goes (in a batch folder)."""
    parts = Path(original.path).parts
    if original.batch not in parts:
        raise UsageError(Said(N_("%(entry)s is not in a batch folder: a re-scan cannot replace it"),
                              {"entry": batch_entry(original)}))
    return Path(*parts[:parts.index(original.batch)])


def rescan_entry(original: SourceState, replacement: Replacement) -> str:
    """The re-scan named for a quarantined source, as below its tehsil's folder (`2026-11-22/scan.pdf`)."""
    path = Path(replacement.path)
    try:
        return str(path.relative_to(tehsil_folder(original)))
    except (ValueError, UsageError):
        return path.name


def batch_entry(source: SourceState) -> str:
    """A source named inside its batch (`2026-11-22/scan_0004.pdf`): no server path is shown."""
    parts = Path(source.path).parts
    return "/".join(parts[parts.index(source.batch):]) if source.batch in parts else Path(source.path).name


def _rescan_key(original: SourceState, rescan: Path, shown: str) -> str:
    """The re-scan's path as the night will record it: under the same tehsil folder of the inbox
    as the original, in a batch folder, a regular file (a link is never followed). Errors name it
    `shown` (as the person gave it: no server path on the web)."""
    tehsil = tehsil_folder(original)
    inside = folders_below(tehsil, rescan)  # where it is first: nothing outside the tehsil's folder is looked at
    if inside is None:
        raise UsageError(Said(N_("%(file)s is not in the inbox folder of %(place)s: "
                                 "drop it under %(tehsil)s/<batch>/ first"),
                              {"file": shown, "place": f"{original.district}/{original.tehsil}", "tehsil": tehsil.name}))
    try:
        status = rescan.lstat()
    except FileNotFoundError:
        raise NotFound(Said(N_("%(file)s is not there: drop the re-scan into the inbox first, under %(tehsil)s/<batch>/"),
                            {"file": shown, "tehsil": tehsil.name})) from None
    if not stat.S_ISREG(status.st_mode):
        raise UsageError(Said(NOT_REGULAR, {"file": shown}))
    if not inside:
        raise UsageError(Said(N_("%(file)s lies directly in the tehsil's folder: put it in a batch folder"),
                              {"file": shown}))
    key = str(tehsil.joinpath(*inside, rescan.name))
    if key == original.path:
        raise UsageError(Said(N_("that is the quarantined scan itself: give its re-scan")))
    return key


def folders_below(tehsil: Path, path: Path) -> tuple[str, ...] | None:
    """The folders from the tehsil's inbox folder down to the one `path` lies in (links resolved);
    None when it lies outside it."""
    try:
        return path.absolute().parent.resolve().relative_to(tehsil.resolve()).parts
    except ValueError:
        return None
