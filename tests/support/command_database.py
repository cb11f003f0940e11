"""A SQLite file named by AICMO_DATABASE_URL for commands run in this process, forgotten afterwards."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aicmo.bootstrap import engine_for
from aicmo.cli.context import follow_environment
from aicmo.settings import get_settings


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
