"""What every command shares: the database session, the consoles and the translation of errors."""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from aicmo.bootstrap import session_factory
from aicmo.errors import AicmoError
from aicmo.settings import Settings, get_settings, kept_key_file

console = Console()
err_console = Console(stderr=True)


def follow_environment() -> None:
    """Set both consoles up for the environment (COLUMNS, NO_COLOR, FORCE_COLOR…) and streams in force now.

    Rich reads them when a console is made; a command run again in the same process (the test suite runs most
    commands so) calls this to get what a new process would. Piped or captured output would otherwise fold
    tables at 80 columns, so it gets 160 unless COLUMNS says otherwise.
    """
    piped_width = None if "COLUMNS" in os.environ else 160
    console.__init__(width=None if sys.stdout.isatty() else piped_width)  # type: ignore[misc]
    err_console.__init__(stderr=True, width=None if sys.stderr.isatty() else piped_width)  # type: ignore[misc]


follow_environment()

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def open_session() -> Iterator[Session]:
    with session_factory()() as session:
        yield session


def note_kept_secret_key(settings: Settings) -> None:
    """A note on standard error when the secret key was made on first use and kept beside the data: every process
    that shares the data needs the same key."""
    path = kept_key_file(settings)
    if path is not None:
        err_console.print(f"[dim]secret key: kept in {path} (made on first use); a process on another machine "
                          "needs the same AICMO_SECRET_KEY[/]", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _database_named() -> str:
    """The database the commands use, as an operator would look for it: a SQLite file's path, else the URL
    without its password."""
    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and database errors into one clear line and a non-zero exit, never a traceback."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except AicmoError as exc:
            raise fail(str(exc)) from None
        except DatabaseError as exc:  # OperationalError among them; a corrupt SQLite file is "not a database"
            raise fail(f"database error ({_database_named()}): {exc.orig}") from None
        except KeyboardInterrupt:
            raise fail("interrupted; work committed so far is kept", code=130) from None

    return wrapper


