"""A SQLite file named by AICMO_DATABASE_URL for commands run in this process, forgotten afterwards."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from aicmo.bootstrap import engine_for
from aicmo.cli.context import follow_environment
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from aicmo.settings import get_settings


def seeded_folder(folder: Path, seed: Callable[[Session], object]) -> Path:
    """`folder` with an aicmo.db in it, migrated and filled by `seed`, for commands run there; returns `folder`."""
    engine = make_engine(f"sqlite:///{folder / 'aicmo.db'}")
    upgrade(engine)
    with make_session_factory(engine)() as db:
        seed(db)
    engine.dispose()
    return folder


@contextmanager
def command_database(path: Path, monkeypatch: pytest.MonkeyPatch, *, columns: int | None = None) -> Iterator[str]:
    """Point the settings at a SQLite file (and the consoles at `columns` wide, when given); afterwards drop the
    cached engine and settings and give the consoles back the test process's width. Yields the URL."""
    url = f"sqlite:///{path}"
    monkeypatch.setenv("AICMO_DATABASE_URL", url)
    if columns is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
        follow_environment()
    get_settings.cache_clear()
    try:
        yield url
    finally:
        engine_for(url).dispose()
        engine_for.cache_clear()
        get_settings.cache_clear()
        if columns is not None:
            monkeypatch.undo()
            follow_environment()
