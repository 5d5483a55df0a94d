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
 10  stopped (SIGTERM, Ctrl-C): finished stacks recorded, the rest waits for the next run
 11  disk full: the night stopped, nothing half-written; free space and run again
 12  fixity: archived files are missing, changed or extra against their checksums (`daftar verify`)
"""

from __future__ import annotations

import os
from typing import Any

import typer
from typer.core import TyperGroup

from commands import archive, check, checks, doctor, night, progress, review, search, web
from commands.common import print_error
from domain.errors import ConfigInvalid, DaftarError, ExitCode, IndexUnavailable

# Prefect is imported lazily by the commands that run flows; these must be set before that.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # the report and progress bar say what matters

# These kinds' messages say what the index or the config loader reported, not what failed.
MESSAGE_LEADS = {IndexUnavailable: "index unavailable: ", ConfigInvalid: "configuration invalid: "}


class DaftarGroup(TyperGroup):
    """The root command, holding the one error handler: every command raises (or lets through) a
    DaftarError, and this prints `error: <message>` and exits with that error's code. It sits on
    the command rather than in `main()` so that `app` invoked directly (tests) exits the same way."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)  # Click itself answers usage errors (exit 2)
        except DaftarError as error:
            lead = next((text for kind, text in MESSAGE_LEADS.items() if isinstance(error, kind)), "")
            print_error(f"{lead}{error}")
            raise SystemExit(int(error.exit_code)) from error
        except Exception as error:  # a bug: say so briefly rather than with a traceback
            print_error(f"unexpected {type(error).__name__}: {error}")
            raise SystemExit(int(ExitCode.INTERNAL)) from error


app = typer.Typer(help=__doc__, cls=DaftarGroup, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False)
for command in (night.run, search.search, search.show):
    app.command()(command)
app.command("index")(night.index_command)
for command in (night.reindex, check.check, checks.barcodes, checks.inspect, night.deploy, progress.progress, web.serve, web.audit,
                web.link_eoffice, doctor.doctor, review.review, review.correct, review.split, review.join, review.requeue, review.rescan_pages,
                archive.verify, archive.export):
    app.command()(command)
flag_app = typer.Typer(help="Review flags of record files.", no_args_is_help=True)
flag_app.command("clear")(review.flag_clear)
app.add_typer(flag_app, name="flag")

user_app = typer.Typer(help="Users of the web pages and the API: record keepers, Deputy Commissioners, administrators.",
                       no_args_is_help=True)
for name, command in (("add", web.user_add), ("token", web.user_token), ("password", web.user_password),
                      ("remove", web.user_remove), ("list", web.user_list), ("language", web.user_language)):
    user_app.command(name)(command)
app.add_typer(user_app, name="user")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130)


if __name__ == "__main__":
    main()
