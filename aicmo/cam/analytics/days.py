"""The UTC calendar day of a timestamp column, as a date, on SQLite and PostgreSQL alike."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class day_of(FunctionElement[date]):
    """`day_of(column)`: the UTC day a stored timestamp falls on, typed as a date in the result."""

    type = Date()
    name = "day_of"
    inherit_cache = True


@compiles(day_of)
def _sqlite_day(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps UTC text; date() reads it (and any offset) as 'YYYY-MM-DD'.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(day_of, "postgresql")
def _postgresql_day(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    # Not the session's time zone: a day is a UTC day everywhere in aicmo.
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


def each_day(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def week_of(day: date) -> date:
    """The Monday of the day's ISO week."""
    return day - timedelta(days=day.weekday())
