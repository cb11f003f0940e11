"""Import + dedupe + grade a generated Apollo-style lead file, against a bare bulk insert of the same rows.

    python bench/import_grade.py [--rows 1000000] [--backends sqlite,postgresql] [--data-dir bench/data]

For each database it times, in separate processes (so each has its own peak RSS):
  baseline  the CSV read with csv.reader and written as-is into a table of TEXT columns, with one
            executemany in one transaction (SQLite) or COPY (PostgreSQL);
  aicmo     `import_leads` of the same file into a migrated, empty database: header mapping,
            normalisation, dedupe against the file and the database, merge, grading, batch commits;
  floor     the CSV read with csv.reader as the baseline reads it, and the rows the import stored written
            into another migrated, empty database in the import's chunks and default batches (one
            transaction each), with the database's bulk path (executemany, COPY): what the leads table's
            columns and indexes cost to write, with no normalising, dedupe or grading. Fetching the stored
            rows is not timed.
It prints rows/s, the ratios to the baseline and the peak RSS of each, and checks the import's counts against
what the generator says it wrote.
"""

import argparse
import csv
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import leadgen  # noqa: E402

POSTGRES_URL = os.environ.get("AICMO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FETCH_ROWS = 5000


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _sqlite_baseline(path: Path, url: str) -> float:
    import sqlite3

    database = url.removeprefix("sqlite:///")
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        headers = next(reader)
        connection = sqlite3.connect(database)
        columns = ", ".join(f"c{i} TEXT" for i in range(len(headers)))
        connection.execute(f"CREATE TABLE baseline ({columns})")
        connection.executemany(f"INSERT INTO baseline VALUES ({', '.join('?' * len(headers))})", reader)
        connection.commit()
        connection.close()
    return time.perf_counter() - start


def _postgres_baseline(path: Path, url: str, schema: str) -> float:
    import psycopg

    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh, \
            psycopg.connect(url.replace("+psycopg", ""), options=f"-csearch_path={schema}") as connection:
        reader = csv.reader(fh)
        headers = next(reader)
        columns = ", ".join(f"c{i} TEXT" for i in range(len(headers)))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE baseline ({columns})")
            with cursor.copy("COPY baseline FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
        connection.commit()
    return time.perf_counter() - start


def _migrated_engine(url: str, schema: str | None) -> Any:
    from aicmo.db.engine import make_engine
    from aicmo.db.migrate import upgrade

    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **kwargs)
    upgrade(engine)
    return engine


def _aicmo_import(path: Path, url: str, schema: str | None) -> tuple[float, dict[str, Any]]:
    from aicmo.cam.leads.importer import ImportOptions, import_leads
    from aicmo.db.engine import make_session_factory

    engine = _migrated_engine(url, schema)
    with make_session_factory(engine)() as db:
        start = time.perf_counter()
        report = import_leads(db, path, ImportOptions(write_rejects=False))  # the default batch, as users get it
        elapsed = time.perf_counter() - start
    counts = {"read": report.rows_read, "inserted": report.inserted, "merged": report.merged,
              "rejected": report.rejected}
    return elapsed, counts


@contextmanager
def _source(url: str, schema: str | None) -> Iterator[Any]:
    """A plain driver connection to the database an import wrote."""
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url.replace("+psycopg", ""), options=f"-csearch_path={schema}") as connection:
            yield connection
        return
    import sqlite3

    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        yield connection
    finally:
        connection.close()


def _stored_rows(url: str, schema: str | None, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """The leads an import stored, in id order, as each driver reads them (PostgreSQL: as text, which COPY
    reads back the same)."""
    postgres = url.startswith("postgresql")
    listed = ", ".join(f"{c}::text" if postgres else c for c in columns)
    with _source(url, schema) as connection:
        cursor = connection.cursor(name="stored") if postgres else connection.cursor()
        cursor.execute(f"SELECT {listed} FROM leads ORDER BY id")
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows
        cursor.close()


def _count_stored(url: str, schema: str | None) -> int:
    with _source(url, schema) as connection:
        return int(connection.execute("SELECT count(*) FROM leads").fetchone()[0])


def _floor(path: Path, url: str, schema: str | None, source: str, source_schema: str | None,
           rows_in_file: int) -> float:
    """Seconds to read the file as the baseline does and write the import's stored rows as the import does:
    each chunk of the file is followed by the stored rows in the same proportion, committed in the import's
    default batches."""
    from aicmo.cam.leads.importer import PREPARE_ROWS, ImportOptions
    from aicmo.cam.leads.store import IMPORT_PAGE_CACHE_KIB, INSERT_COLUMNS

    columns = list(INSERT_COLUMNS)
    batch_size = ImportOptions().batch_size
    total_stored = _count_stored(source, source_schema)
    stored = _stored_rows(source, source_schema, columns)
    engine = _migrated_engine(url, schema)
    connection = engine.raw_connection()
    driver: Any = connection.driver_connection
    postgres = url.startswith("postgresql")
    if not postgres:
        driver.execute(f"PRAGMA cache_size=-{IMPORT_PAGE_CACHE_KIB}")
    insert = f"INSERT INTO leads ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    copy = f"COPY leads ({', '.join(columns)}) FROM STDIN"
    spent = 0.0
    read = written = uncommitted = 0
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            start = time.perf_counter()
            next(reader)
            while chunk := list(itertools.islice(reader, min(batch_size, PREPARE_ROWS))):
                read += len(chunk)
                spent += time.perf_counter() - start
                rows = list(itertools.islice(stored, round(total_stored * read / rows_in_file) - written))
                start = time.perf_counter()
                written += len(rows)
                if postgres:
                    with driver.cursor() as cursor, cursor.copy(copy) as pipe:
                        for row in rows:
                            pipe.write_row(row)
                else:
                    driver.executemany(insert, rows)
                uncommitted += len(chunk)
                if uncommitted >= batch_size:
                    driver.commit()
                    uncommitted = 0
            driver.commit()
            spent += time.perf_counter() - start
    finally:
        connection.close()
        engine.dispose()
    if written != total_stored:
        raise SystemExit(f"floor: wrote {written} of the {total_stored} stored rows ({rows_in_file} rows given)")
    return spent


def child(kind: str, path: Path, url: str, schema: str | None, source: tuple[str, str | None] | None = None,
          rows_in_file: int = 0) -> None:
    """Run one measurement and print it as JSON (run in its own process for a clean peak RSS)."""
    result: dict[str, Any] = {}
    if kind == "baseline":
        seconds = _postgres_baseline(path, url, schema or "public") if url.startswith("postgresql") \
            else _sqlite_baseline(path, url)
    elif kind == "floor":
        assert source is not None
        seconds = _floor(path, url, schema, source[0], source[1], rows_in_file)
    else:
        seconds, result = _aicmo_import(path, url, schema)
    # Worker processes (when the import uses them) are children: their largest peak is reported apart.
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb(),
                      "worker_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN), **result}))


def _run_child(kind: str, path: Path, url: str, schema: str | None,
               source: tuple[str, str | None] | None = None, rows_in_file: int = 0) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--file", str(path), "--url", url]
    if schema:
        command += ["--schema", schema]
    if source:
        command += ["--source-url", source[0], "--rows", str(rows_in_file)]
        if source[1]:
            command += ["--source-schema", source[1]]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_schema(url: str, action: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        statement = f'CREATE SCHEMA "{schema}"' if action == "create" else f'DROP SCHEMA "{schema}" CASCADE'
        connection.execute(statement)  # type: ignore[arg-type]


def measure(backend: str, path: Path, workdir: Path, rows_in_file: int) -> dict[str, dict[str, Any]]:
    results = {}
    schemas = []
    written: dict[str, tuple[str, str | None]] = {}
    try:
        for kind in ("baseline", "aicmo", "floor"):
            if backend == "sqlite":
                url, schema = f"sqlite:///{workdir / f'{kind}.db'}", None
            else:
                url, schema = POSTGRES_URL, f"bench_{uuid.uuid4().hex[:8]}"
                _postgres_schema(url, "create", schema)
                schemas.append(schema)
            # The floor writes what the import stored, so the import's database is kept until then.
            results[kind] = _run_child(kind, path, url, schema, written.get("aicmo"), rows_in_file)
            written[kind] = (url, schema)
    finally:
        for schema in schemas:
            _postgres_schema(POSTGRES_URL, "drop", schema)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data", help="where generated files are kept")
    parser.add_argument("--child")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--url")
    parser.add_argument("--schema")
    parser.add_argument("--source-url")
    parser.add_argument("--source-schema")
    args = parser.parse_args()
    if args.child:
        source = (args.source_url, args.source_schema) if args.source_url else None
        child(args.child, args.file, args.url, args.schema, source, args.rows)
        return
    data = args.data_dir / f"leads_{args.rows}.csv"
    if not data.exists():
        data.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        leadgen.write_csv(data, args.rows)
        print(f"generated {data} ({data.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s")
    expected = leadgen.expected_counts(args.rows)
    print(f"expected: {expected}")
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            results = measure(backend, data, Path(workdir), args.rows)
        base, ours, floor = results["baseline"], results["aicmo"], results["floor"]
        ratio = ours["seconds"] / base["seconds"]
        print(f"\n{backend}: {args.rows} rows")
        print(f"  baseline  {base['seconds']:8.1f} s  {args.rows / base['seconds']:>9,.0f} rows/s  "
              f"peak RSS {base['rss_mb']:.0f} MB")
        print(f"  aicmo     {ours['seconds']:8.1f} s  {args.rows / ours['seconds']:>9,.0f} rows/s  "
              f"peak RSS {ours['rss_mb']:.0f} MB (each worker process at most {ours['worker_rss_mb']:.0f} MB)")
        print(f"  floor     {floor['seconds']:8.1f} s  {args.rows / floor['seconds']:>9,.0f} rows/s  "
              f"(the file read and the stored rows written, nothing else)")
        print(f"  ratio aicmo/baseline {ratio:.2f}  (target <= 3; peak RSS target <= 500 MB)")
        print(f"  ratio floor/baseline {floor['seconds'] / base['seconds']:.2f}, "
              f"aicmo/floor {ours['seconds'] / floor['seconds']:.2f}")
        print(f"  import counts: read {ours['read']}, inserted {ours['inserted']}, merged {ours['merged']}, "
              f"rejected {ours['rejected']}")


if __name__ == "__main__":
    main()
