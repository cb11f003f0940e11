"""Build engines and sessions in one place; nothing connects at import time."""

from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import aicmo.db.models  # noqa: F401  (every table registered before the first flush resolves a foreign key)
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import current_revision, ensure_current, head_revision
from aicmo.errors import AicmoError
from aicmo.settings import get_settings


class SchemaOutOfDate(AicmoError):
    pass


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def prepared_engine(url: str | None = None) -> Engine:
    """The engine for the configured database, its schema brought to head when it is the embedded SQLite."""
    engine = engine_for(url or get_settings().database_url)
    if engine.dialect.name == "sqlite":
        ensure_current(engine)
    elif current_revision(engine) != head_revision():
        raise SchemaOutOfDate(f"database schema is at {current_revision(engine) or 'nothing'}, "
                              f"code expects {head_revision()}: run `aicmo db upgrade`")
    return engine


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return make_session_factory(prepared_engine(url))
