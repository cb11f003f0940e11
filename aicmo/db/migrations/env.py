from contextlib import AbstractContextManager, nullcontext

from alembic import context
from sqlalchemy import Connection

from aicmo.db.engine import foreign_key_violations, make_engine, sqlite_transactional_ddl
from aicmo.db.migrate import MigrationFailed
from aicmo.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    # One transaction for the whole run, DDL included: a migration failing halfway leaves nothing of the run.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        transactional_ddl=True,
    )
    schema_change: AbstractContextManager[None] = sqlite_transactional_ddl(connection) if sqlite else nullcontext()
    with schema_change, context.begin_transaction():
        before = context.get_context().get_current_heads()
        context.run_migrations()
        # Foreign keys were not enforced while the schema changed: check them before anything is committed.
        if sqlite and context.get_context().get_current_heads() != before and \
                (violations := foreign_key_violations(connection)):
            raise MigrationFailed("it would break foreign keys: " + "; ".join(violations[:5]))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
