"""The web side's commands: serve the pages and API, manage their users, read the audit log, and
link e-Office exports to the record files they cite."""

from __future__ import annotations

import getpass
import os
import sys
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from commands.common import HomeOption, JsonOption, add_row, console, err, load_settings, new_table, print_json
from domain.config import home_dir
from domain.errors import BadInput, NotFound, UsageError
from store.users import INTERFACE_LANGUAGES

UserName = Annotated[str, typer.Argument(help="Log-in name")]
InterfaceLanguage = Enum("InterfaceLanguage", {code: code for code in INTERFACE_LANGUAGES}, type=str)  # --language's choices
BROWSERS_CHOICE = "browser"  # `user language`: no language of the user's own, the browser's choice
LanguageChoice = Enum("LanguageChoice", {code: code for code in (*INTERFACE_LANGUAGES, BROWSERS_CHOICE)}, type=str)


def serve(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for the whole office network)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the search pages, record files, progress dashboard and JSON API (docs at /docs).
    Behind a reverse proxy, name it in settings.yaml `web.trusted_proxies` (or DAFTAR_TRUSTED_PROXIES)."""
    import uvicorn

    from web.app import create_app

    os.umask(0o077)  # what the server writes (sessions, audit, cleaned PDFs, thumbnails): owner-only
    # uvicorn's own proxy handling trusts 127.0.0.1 by default; the app trusts only the configured proxies
    uvicorn.run(create_app(home_dir(home), load_settings()), host=host, port=port, proxy_headers=False)


# users -------------------------------------------------------------------------------------------


def user_add(
    name: UserName,
    role: Annotated[str, typer.Option(help="keeper (tehsils, reads), scanner (tehsils, reviews and corrects), dc (districts) or admin")],
    tehsil: Annotated[Optional[list[str]], typer.Option("--tehsil", help="A keeper's or scanner's tehsil: NAME or DISTRICT/NAME; repeat for more")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="A Deputy Commissioner's district; repeat for more")] = None,
    language: Annotated[Optional[InterfaceLanguage], typer.Option(
        help="The language of the user's web pages: en (English), ur (Urdu, right to left) or hi (Hindi); "
             "left out, the browser's choice (the log-in page's, else its Accept-Language); the user can change it in the pages' header")] = None,
    home: HomeOption = None,
) -> None:
    """Add a user. The password is read from DAFTAR_PASSWORD, else prompted for (twice)."""
    from store.users import add_user, make_user

    settings = load_settings()
    make_user(name, role, tehsil or [], district or [], settings)  # a wrong scope fails before the prompt
    password = os.environ.get("DAFTAR_PASSWORD") or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = add_user(home_dir(home), name, role, tehsil or [], district or [], password, settings,
                    language.value if language else None)
    console.print(f"added {user.name} ({user.role}: {user.scope_label()})", highlight=False)


def user_token(name: UserName, home: HomeOption = None) -> None:
    """Print a new API token for the user (shown once; send it as `Authorization: Bearer <token>`)."""
    from store.users import issue_token

    try:
        token = issue_token(home_dir(home), name)
    except UsageError as error:  # the store's only refusal here is "no user": not found for the command line
        raise NotFound(str(error)) from error
    sys.stdout.write(token + "\n")


def user_password(name: UserName, home: HomeOption = None) -> None:
    """Set a new password (DAFTAR_PASSWORD or a prompt); the user's open sessions end."""
    from store.users import set_password

    password = os.environ.get("DAFTAR_PASSWORD") or typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    set_password(home_dir(home), name, password)


def user_language(
    name: UserName,
    language: Annotated[LanguageChoice, typer.Argument(
        help="en (English), ur (Urdu, right to left), hi (Hindi), or browser: none of the user's own, "
             "the browser's choice (the log-in page's, else its Accept-Language)")],
    by: Annotated[Optional[str], typer.Option("--by", help="Who changes it, for the audit log (default: your login)")] = None,
    home: HomeOption = None,
) -> None:
    """Set the language of a user's web pages (the user can change it too, at the foot of every page)."""
    from store.audit import AuditLog
    from store.users import UserStore

    code = None if language.value == BROWSERS_CHOICE else language.value
    with closing(UserStore.open(home_dir(home))) as users:
        try:
            users.set_language(name, code)
        except UsageError as error:  # the store's only refusal here is "no user": not found for the command line
            raise NotFound(str(error)) from error
    with closing(AuditLog.open(home_dir(home))) as audit:  # the user it changed stands where a file's number would
        audit.record(by or getpass.getuser(), "user-language", name, via="cli")
    chosen = code or "the browser's choice"
    console.print(f"{name}'s pages: {chosen}", highlight=False)


def user_remove(name: UserName, home: HomeOption = None) -> None:
    """Remove a user with their sessions and API tokens."""
    from store.users import remove_user

    if not remove_user(home_dir(home), name):
        raise NotFound(f"no user {name!r}")


def user_list(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Every user with role and scope."""
    from store.users import list_users

    users = list_users(home_dir(home))
    if as_json:
        print_json([{"name": u.name, "role": u.role, "districts": list(u.districts), "tehsils": list(u.tehsils),
                     "language": u.language} for u in users])
        return
    table = new_table("users", ("name", "role", "scope", "language"), fold=False)
    for u in users:
        add_row(table, u.name, u.role, u.scope_label(), u.language or "(browser's)")
    console.print(table)


# audit and e-Office ------------------------------------------------------------------------------


def audit(
    home: HomeOption = None,
    file_number: Annotated[Optional[str], typer.Option("--file", help="Only this record file (normalized number)")] = None,
    user: Annotated[Optional[str], typer.Option(help="Only this user")] = None,
    limit: Annotated[int, typer.Option(help="Entries to show, newest first")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Who viewed, downloaded or corrected which record file, and when (refused attempts show as `denied`)."""
    from store.audit import audit_entries

    entries = audit_entries(home_dir(home), file_number, user, limit)
    if as_json:
        print_json([entry.__dict__ for entry in entries])
        return
    table = new_table("audit log", ("when (UTC)", "user", "action", "file number", "page", "via", "client"))
    for e in entries:
        add_row(table, e.at, e.user, e.action, e.file_number, str(e.page or ""), e.via, e.client or "")
    console.print(table)


def link_eoffice(
    export: Annotated[Path, typer.Argument(help="e-Office export: CSV or JSON (e-file number, subject, date, cited legacy file numbers)")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link e-files to the legacy record files they cite; report citations not in the archive (yet).
    Those stay stored and are linked by themselves once the file is scanned."""
    from store.eoffice import import_eoffice_export

    if not export.is_file():
        raise BadInput(f"no export at {export}")
    settings = load_settings()
    report = import_eoffice_export(export, home_dir(home), settings)
    if as_json:
        print_json({"export": report.export, "efiles": report.efiles, "citations": report.citations, "linked": report.linked,
                    "unmatched": [{"efile_number": c.efile_number, "cited": c.cited_raw, "number": c.cited_number,
                                   "recognized": c.recognized} for c in report.unmatched],
                    "skipped": report.skipped})
        return
    console.print(report.summary(), highlight=False)
    if report.unmatched:
        table = new_table("citations not in the archive (yet)", ("e-file", "cited as", "file number"))
        for c in report.unmatched:
            add_row(table, c.efile_number, c.cited_raw, c.cited_number if c.recognized else f"{c.cited_number} (no pattern reads it)")
        console.print(table)
    for line in report.skipped:
        err.print(f"skipped {line}", highlight=False)
