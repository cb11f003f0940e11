"""Rows written into a PostgreSQL table with COPY, for the benchmarks that fill a large schema."""

from typing import Any

import psycopg


def copy_rows(connection: psycopg.Connection[Any], table: str, columns: list[str], rows: Any) -> int:
    """Write every row of `rows` into `table`'s `columns`; how many were written."""
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
