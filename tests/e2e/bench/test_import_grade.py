"""The import benchmark runs end to end on a small file, and its floor writes exactly what the import stored."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "import_grade.py"
ROWS = 2000


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_benchmark_reports_the_import_against_its_baseline_and_its_floor(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "postgresql":
        request.getfixturevalue("postgresql_engine")  # skipped, or failed under CI, where unreachable
    environment = {**os.environ, "AICMO_BENCH_POSTGRES_URL": POSTGRES_URL}
    done = subprocess.run([sys.executable, str(SCRIPT), "--rows", str(ROWS), "--backends", backend,
                           "--data-dir", str(tmp_path)], capture_output=True, text=True, env=environment,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    output = done.stdout
    # The generated file's 2% invalid rows and 10% duplicates, as the generator counts them.
    assert f"import counts: read {ROWS}, inserted 1760, merged 200, rejected 40" in output
    timed = re.findall(r"^  (baseline|aicmo|floor) +[\d.]+ s +[\d,]+ rows/s", output, re.MULTILINE)
    assert timed == ["baseline", "aicmo", "floor"], output
    ratios = r"ratio aicmo/baseline [\d.]+ .*\n  ratio floor/baseline [\d.]+, aicmo/floor [\d.]+"
    assert re.search(ratios, output), output
