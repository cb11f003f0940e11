"""What every command shares: the database session, the consoles and the translation of errors."""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from aicmo.bootstrap import session_factory
from aicmo.errors import AicmoError
from aicmo.settings import DEFAULT_SECRET_KEY, Settings

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


def warn_if_default_secret(settings: Settings, consequence: str) -> None:
    """A warning on standard error, naming what the publicly known default AICMO_SECRET_KEY exposes."""
    if settings.secret_key == DEFAULT_SECRET_KEY:
        err_console.print(f"[yellow]warning:[/] AICMO_SECRET_KEY is the default: {consequence}; set a long random "
                          "secret (every aicmo process must use the same one)", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and database errors into one clear line and a non-zero exit, never a traceback."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except AicmoError as exc:
            raise fail(str(exc)) from None
        except DatabaseError as exc:  # OperationalError among them; a corrupt SQLite file is "not a database"
            raise fail(f"database error: {exc.orig}") from None
        except KeyboardInterrupt:
            raise fail("interrupted; work committed so far is kept", code=130) from None

    return wrapper


