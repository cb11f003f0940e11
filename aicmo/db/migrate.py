from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from aicmo.errors import AicmoError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class MigrationFailed(AicmoError):
    pass


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head", *, config: Config | None = None) -> None:
    """Bring the schema to `revision` in one transaction: if any step fails, the database stays as it was."""
    _migrate(engine, command.upgrade, revision, config)


def downgrade(engine: Engine, revision: str, *, config: Config | None = None) -> None:
    """Take the schema back to `revision` in one transaction, like `upgrade`."""
    _migrate(engine, command.downgrade, revision, config)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str, config: Config | None) -> None:
    config = config or alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        # A connection outside any transaction: the migration environment begins and ends the one it runs in.
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
    except MigrationFailed as exc:
        raise MigrationFailed(f"the database was not migrated to {revision} and is unchanged: {exc}") from exc
    except (CommandError, DBAPIError) as exc:
        reason = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
        reason = "; ".join(line.strip() for line in reason.splitlines() if line.strip())
        raise MigrationFailed(f"the database was not migrated to {revision} and is unchanged: {reason}") from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def ensure_current(engine: Engine) -> None:
    """Bring the schema to head; cheap when it already is."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
