"""One error type per kind of failure, each carrying the exit code the CLI ends with.

Stages raise these; `cli.py` has the one handler that prints the message and exits with the
code, and the web pages map them to HTTP answers. The codes are stable (README, "Exit codes").
A message a web form gives back is a `Said` (its msgid and values): str() is its English, the
page says it in its reader's language (`DaftarError.said`).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from enum import IntEnum
from typing import Any

from domain.translatable import Said


class ExitCode(IntEnum):
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
    STOPPED = 10
    DISK_FULL = 11
    FIXITY = 12


class DaftarError(Exception):
    """A failure daftar expects and can explain; the message is for people: a plain text, or a
    `Said` to be translated."""

    exit_code: ExitCode = ExitCode.INTERNAL

    @property
    def said(self) -> Said | str:
        """The message as it was given: a `Said`, or the plain (English) text."""
        return self.args[0] if self.args and isinstance(self.args[0], Said) else str(self)


class UsageError(DaftarError, ValueError):
    """A command or request asked for something that cannot be done as asked."""

    exit_code = ExitCode.USAGE


class BadInput(DaftarError, ValueError):
    """An input (inbox, file, export) does not exist or cannot be read."""

    exit_code = ExitCode.BAD_INPUT


class UnreadableSource(BadInput):
    """A source that cannot be read as scanner output; the message is the quarantine reason."""


class OcrFailed(BadInput, RuntimeError):
    """OCR refused a page or a PDF: the input defeats it, so it is quarantined."""


class NotFound(DaftarError, LookupError):
    """No such record file, user or e-file (or none this user may see: the same answer, so a
    refused user learns nothing about the file's existence)."""

    exit_code = ExitCode.NOT_FOUND


class IndexUnavailable(DaftarError, RuntimeError):
    """The index cannot be reached or refused documents; the catalog keeps them pending."""

    exit_code = ExitCode.INDEX_UNAVAILABLE


class InstallationProblem(DaftarError, RuntimeError):
    """A program or language daftar needs is missing (`daftar doctor` tells which)."""

    exit_code = ExitCode.INSTALLATION


class ConfigInvalid(DaftarError, ValueError):
    """The configuration folder or one of its files is not valid."""

    exit_code = ExitCode.CONFIG


class HomeBusy(DaftarError, RuntimeError):
    """Another run holds the home's lock."""

    exit_code = ExitCode.BUSY


class FixityFailed(DaftarError, RuntimeError):
    """Archived files do not match the checksums recorded when they were written (missing,
    changed or extra files): `daftar verify` lists them."""

    exit_code = ExitCode.FIXITY


class NightEnded(DaftarError, RuntimeError):
    """The night ended before its work was done; every finished stack is recorded, the rest waits
    for the next run. Carries the report of what was done (a `BatchReport`, or None when the night
    had not begun)."""

    def __init__(self, message: str, report: Any = None):
        super().__init__(message)
        self.report = report


class Stopped(NightEnded):
    """A stop was asked for (SIGTERM, Ctrl-C)."""

    exit_code = ExitCode.STOPPED


class DiskFull(NightEnded):
    """The home's file system has no room left."""

    exit_code = ExitCode.DISK_FULL


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_SQLITE_FULL = 13  # SQLITE_FULL: "database or disk is full"
# PostgreSQL's disk_full (psycopg.errors.DiskFull), read from the error's `sqlstate` so that domain/
# needs no psycopg: a table, index or temporary file on the server could not grow ("could not
# extend file ...: No space left on device"). Not the rest of class 53: 53000 is out of file
# handles, 53200 out of memory, 53300 too many connections, none of them cured by freeing disk.
_POSTGRES_DISK_FULL = "53100"


def is_disk_full(error: BaseException | None) -> bool:
    """True when the error, or one it was raised from, says there was no room to write: on this
    machine's disks, or on the PostgreSQL server's (`is_database_server_full`)."""
    for link in _chain(error):
        if isinstance(link, DiskFull) or getattr(link, "errno", None) in _FULL_ERRNOS:
            return True
        if getattr(link, "sqlite_errorcode", None) == _SQLITE_FULL:
            return True
    return is_database_server_full(error)


def is_database_server_full(error: BaseException | None) -> bool:
    """True when the full disk is the PostgreSQL server's: room is to be made there, not here."""
    return any(getattr(link, "sqlstate", None) == _POSTGRES_DISK_FULL for link in _chain(error))


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """The error and those it was raised from (or during), each once."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__
