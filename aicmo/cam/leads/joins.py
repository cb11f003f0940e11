"""Fold leads found to be one person into the oldest of them, on the import's connection.

Every row of every table with a foreign key to a folded lead is pointed at the survivor before the folded lead
is deleted, so the delete cascades to nothing. The tables come from the models, so one added later moves too.
The lead's rate-limit gates, keyed by its id, go to the survivor as well.
"""

from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    PrimaryKeyConstraint,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    select,
    update,
)

from aicmo.cam.leads.enums import KeyKind
from aicmo.cam.leads.store import LEADS, LeadStore
from aicmo.cam.limits.store import carry_lead_gates
from aicmo.db.models import Base


@cache
def lead_references() -> tuple[Column[Any], ...]:
    """Every column holding a lead's id, in every table."""
    return tuple(fk.parent for table in Base.metadata.sorted_tables for fk in table.foreign_keys
                 if fk.column is LEADS.c.id)


@cache
def _unique_with(column: Column[Any]) -> tuple[tuple[Column[Any], ...], ...]:
    """For each unique constraint or index holding `column`: its other columns."""
    table = column.table
    groups = [c.columns for c in table.constraints if isinstance(c, UniqueConstraint | PrimaryKeyConstraint)]
    groups += [index.columns for index in table.indexes if index.unique]
    return tuple(tuple(c for c in group if c is not column) for group in groups if group.contains_column(column))


def clash(connection: Connection, lead_ids: Collection[int]) -> str | None:
    """What stops these leads becoming one: rows of two of them that may exist once per lead; None if nothing."""
    for column in lead_references():
        for others in _unique_with(column):
            statement = select(func.count()).where(column.in_(list(lead_ids)), *(c.is_not(None) for c in others))
            if others:
                statement = statement.group_by(*others)
            if connection.execute(statement.having(func.count() > 1).limit(1)).first():
                names = ", ".join(c.name for c in others)
                return f"both have {column.table.name} rows" + (f" with the same {names}" if names else "")
    return None


def fold(store: LeadStore, folds: Sequence[tuple[int, int]]) -> None:
    """Point every reference to each folded lead at its survivor, delete the folded leads, remember their ids."""
    if not folds:
        return
    params = [{"folded": folded, "survivor": survivor} for folded, survivor in folds]
    for column in lead_references():
        statement = (update(column.table).where(column == bindparam("folded"))
                     .values({column.name: bindparam("survivor")}))
        store.connection.execute(statement, params)
    carry_lead_gates(store.connection, folds)  # keyed by lead id, not a foreign key
    store.connection.execute(delete(LEADS).where(LEADS.c.id.in_([folded for folded, _ in folds])))
    store.add_aliases([(KeyKind.MERGED_LEAD, str(folded), survivor) for folded, survivor in folds])
