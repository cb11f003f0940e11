"""Bulk reads and writes of leads for the importer and the grader, on the session's connection.

These run once per batch of thousands of rows, so they go below the ORM: plain Core statements, and the
database's own bulk path for inserts (executemany on SQLite, COPY on PostgreSQL).
"""

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import ARRAY, Connection, Enum, String, Table, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from aicmo.cam.leads.enums import KeyKind
from aicmo.cam.leads.merge import KEY_COLUMNS, Key
from aicmo.cam.leads.models import LeadAliasDB, LeadDB
from aicmo.db import json_codec

LEADS = cast(Table, LeadDB.__table__)
ALIASES = cast(Table, LeadAliasDB.__table__)
JSON_COLUMNS = frozenset({"tags", "custom_fields", "grade_reasons"})
TIME_COLUMNS = frozenset({"created_at", "updated_at", "graded_at", "last_outreach_at"})
INSERT_COLUMNS: tuple[str, ...] = tuple(c.name for c in LEADS.columns if c.name != "id")
ROW_COLUMNS = [c for c in LEADS.columns]
# Where an insert row holds what needs converting: JSON text (with what an absent value is), and time stamps.
_JSON_AT = tuple((i, "{}" if c == "custom_fields" else "[]") for i, c in enumerate(INSERT_COLUMNS) if c in JSON_COLUMNS)
_ENUM_AT = tuple(i for i, c in enumerate(INSERT_COLUMNS) if isinstance(LEADS.c[c].type, Enum))
_ALWAYS_STAMPED_AT = tuple(i for i, c in enumerate(INSERT_COLUMNS) if c in ("created_at", "updated_at"))
_STAMPED_WHEN_SET_AT = tuple(i for i, c in enumerate(INSERT_COLUMNS)
                             if c in TIME_COLUMNS and c not in ("created_at", "updated_at"))


# An import inserts into four indexes at scattered places (email, LinkedIn URL, name key, company domain). With
# SQLite's default 2 MB page cache most such inserts first read their page back; 64 MiB keeps an index of
# some hundred thousand leads in memory (importing process about 9% less CPU at 50,000 rows).
IMPORT_PAGE_CACHE_KIB = 65536


@contextmanager
def import_page_cache(session: Session) -> Iterator[None]:
    """The larger page cache on the session's SQLite connection for the block, the previous one after it.

    After a failure the session may refuse statements until rolled back, and the failure is what must show:
    the connection then keeps the larger cache, which costs memory only as pages are read.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_PAGE_CACHE_KIB}")
    yield
    session.connection().exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


def time_stamp(now: datetime, dialect: Dialect) -> Any:
    """``now`` as the driver takes it for a timestamp column (SQLite: text)."""
    # dialect_impl: the dialect's own processor (SQLite's text format), as the ORM would write it.
    stamp = LEADS.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    return stamp(now) if stamp else now


class LeadStore:
    def __init__(self, session: Session) -> None:
        self.connection: Connection = session.connection()
        self.dialect = self.connection.dialect

    def matching(self, keys: Iterable[Key]) -> tuple[dict[Key, int], dict[int, dict[str, Any]]]:
        """Owners of the given keys (lead columns and aliases) and the owning leads' rows."""
        by_kind: dict[KeyKind, set[str]] = {kind: set() for kind in KEY_COLUMNS}
        for kind, value in keys:
            by_kind[kind].add(value)
        owners: dict[Key, int] = {}
        rows: dict[int, dict[str, Any]] = {}
        kinds = [(kind, values) for kind, values in by_kind.items() if values]
        if not kinds:
            return owners, rows
        for kind, values in kinds:
            statement = select(*ROW_COLUMNS).where(self._among(LEADS.c[KEY_COLUMNS[kind]], values))
            for row in self.connection.execute(statement).mappings():
                rows[row["id"]] = dict(row)
        alias_rows = [row for kind, values in kinds for row in self.connection.execute(
            select(ALIASES).where((ALIASES.c.kind == kind) & self._among(ALIASES.c.value, values))).all()]
        missing = {lead_id for _, _, lead_id in alias_rows} - rows.keys()
        if missing:
            rows.update(self.load(missing))
        for lead in rows.values():
            for kind, column in KEY_COLUMNS.items():
                if lead[column] in by_kind[kind]:
                    owners[(kind, lead[column])] = lead["id"]
        for kind, value, lead_id in alias_rows:
            owners.setdefault((KeyKind(kind), value), lead_id)
        return owners, rows

    def _among(self, column: ColumnElement[Any], values: Collection[str]) -> ColumnElement[bool]:
        # One parameter holding all values: thousands of IN parameters cost more to bind and plan than to run.
        if self.dialect.name == "postgresql":
            return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
        each = func.json_each(bindparam(None, json.dumps(list(values)), type_=String)).table_valued("value")
        return column.in_(select(each.c.value))

    def load(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        statement = select(*ROW_COLUMNS).where(LEADS.c.id.in_(list(ids)))
        return {row["id"]: dict(row) for row in self.connection.execute(statement).mappings()}

    def insert(self, leads: Sequence[dict[str, Any]], now: datetime) -> None:
        if not leads:
            return
        if self.dialect.name == "postgresql":
            self._copy(leads, now)
            return
        fixed = time_stamp(now, self.dialect)
        rows = [self._values(lead, fixed) for lead in leads]
        placeholders = ", ".join("?" for _ in INSERT_COLUMNS)
        sql = f"INSERT INTO leads ({', '.join(INSERT_COLUMNS)}) VALUES ({placeholders})"
        self.connection.exec_driver_sql(sql, rows)

    def _copy(self, leads: Sequence[dict[str, Any]], now: datetime) -> None:
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY leads ({', '.join(INSERT_COLUMNS)}) FROM STDIN") as copy:
            for lead in leads:
                copy.write_row(self._values(lead, now))

    @staticmethod
    def _values(lead: dict[str, Any], now: Any) -> tuple[Any, ...]:
        values = list(map(lead.get, INSERT_COLUMNS))
        for i in _ENUM_AT:
            value = values[i]
            if isinstance(value, StrEnum):
                values[i] = value.value
        for i, empty in _JSON_AT:
            value = values[i]
            values[i] = empty if value is None else json_codec.dumps(value)
        for i in _ALWAYS_STAMPED_AT:
            values[i] = now
        for i in _STAMPED_WHEN_SET_AT:
            if values[i] is not None:
                values[i] = now
        return tuple(values)

    def update(self, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Apply per-lead column changes, one executemany per distinct set of changed columns."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for lead_id, values in changes:
            columns = tuple(sorted(values))
            groups.setdefault(columns, []).append({"_id": lead_id, **{f"v_{c}": values[c] for c in columns}})
        for columns, params in groups.items():
            statement = (update(LEADS).where(LEADS.c.id == bindparam("_id"))
                         .values({c: bindparam(f"v_{c}", type_=LEADS.c[c].type) for c in columns}))
            self.connection.execute(statement, params)

    def ids_by_key(self, keys: Iterable[Key]) -> dict[Key, int]:
        owners, _ = self.matching(keys)
        return owners

    def add_aliases(self, aliases: Sequence[tuple[KeyKind, str, int]]) -> None:
        if aliases:
            dialect_insert = pg_insert if self.dialect.name == "postgresql" else sqlite_insert
            statement = dialect_insert(ALIASES).on_conflict_do_nothing()
            self.connection.execute(statement, [
                {"kind": kind, "value": value, "lead_id": lead_id} for kind, value, lead_id in aliases
            ])
