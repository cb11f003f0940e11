"""Import + dedupe + grade a generated Apollo-style lead file, against a bare bulk insert of the same rows.

    python bench/import_grade.py [--rows 1000000] [--backends sqlite,postgresql]

For each database it times, in separate processes (so each has its own peak RSS):
  baseline  the CSV read with csv.reader and written as-is into a table of TEXT columns, with one
            executemany in one transaction (SQLite) or COPY (PostgreSQL);
  aicmo     `import_leads` of the same file into a migrated, empty database: header mapping,
            normalisation, dedupe against the file and the database, merge, grading, batch commits.
It prints rows/s, the ratio aicmo/baseline and the peak RSS of each, and checks the import's counts against
what the generator says it wrote.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import leadgen  # noqa: E402

POSTGRES_URL = os.environ.get("AICMO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


def _aicmo_import(path: Path, url: str, schema: str | None) -> tuple[float, dict[str, Any]]:
    from aicmo.cam.leads.importer import ImportOptions, import_leads
    from aicmo.db.engine import make_engine, make_session_factory
    from aicmo.db.migrate import upgrade

    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **kwargs)
    upgrade(engine)
    with make_session_factory(engine)() as db:
        start = time.perf_counter()
        report = import_leads(db, path, ImportOptions(batch_size=5000, write_rejects=False))
        elapsed = time.perf_counter() - start
    counts = {"read": report.rows_read, "inserted": report.inserted, "merged": report.merged,
              "rejected": report.rejected}
    return elapsed, counts


def child(kind: str, path: Path, url: str, schema: str | None) -> None:
    """Run one measurement and print it as JSON (run in its own process for a clean peak RSS)."""
    result: dict[str, Any] = {}
    if kind == "baseline":
        seconds = _postgres_baseline(path, url, schema or "public") if url.startswith("postgresql") \
            else _sqlite_baseline(path, url)
    else:
        seconds, result = _aicmo_import(path, url, schema)
    # Worker processes (when the import uses them) are children: their largest peak is reported apart.
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb(),
                      "worker_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN), **result}))


def _run_child(kind: str, path: Path, url: str, schema: str | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--file", str(path), "--url", url]
    if schema:
        command += ["--schema", schema]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_schema(url: str, action: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        statement = f'CREATE SCHEMA "{schema}"' if action == "create" else f'DROP SCHEMA "{schema}" CASCADE'
        connection.execute(statement)  # type: ignore[arg-type]


def measure(backend: str, path: Path, workdir: Path) -> dict[str, dict[str, Any]]:
    results = {}
    for kind in ("baseline", "aicmo"):
        if backend == "sqlite":
            url, schema = f"sqlite:///{workdir / f'{kind}.db'}", None
        else:
            url, schema = POSTGRES_URL, f"bench_{uuid.uuid4().hex[:8]}"
            _postgres_schema(url, "create", schema)
        try:
            results[kind] = _run_child(kind, path, url, schema)
        finally:
            if schema:
                _postgres_schema(url, "drop", schema)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--url")
    parser.add_argument("--schema")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file, args.url, args.schema)
        return
    data = HERE / "data" / f"leads_{args.rows}.csv"
    if not data.exists():
        data.parent.mkdir(exist_ok=True)
        start = time.perf_counter()
        leadgen.write_csv(data, args.rows)
        print(f"generated {data} ({data.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s")
    expected = leadgen.expected_counts(args.rows)
    print(f"expected: {expected}")
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            results = measure(backend, data, Path(workdir))
        base, ours = results["baseline"], results["aicmo"]
        ratio = ours["seconds"] / base["seconds"]
        print(f"\n{backend}: {args.rows} rows")
        print(f"  baseline  {base['seconds']:8.1f} s  {args.rows / base['seconds']:>9,.0f} rows/s  "
              f"peak RSS {base['rss_mb']:.0f} MB")
        print(f"  aicmo     {ours['seconds']:8.1f} s  {args.rows / ours['seconds']:>9,.0f} rows/s  "
              f"peak RSS {ours['rss_mb']:.0f} MB (each worker process at most {ours['worker_rss_mb']:.0f} MB)")
        print(f"  ratio aicmo/baseline {ratio:.2f}  (target <= 3; peak RSS target <= 500 MB)")
        print(f"  import counts: read {ours['read']}, inserted {ours['inserted']}, merged {ours['merged']}, "
              f"rejected {ours['rejected']}")


if __name__ == "__main__":
    main()
