"""Deeply nested JSON lead files are refused fast, in little memory, with one line naming where."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli.test_mailboxes_cli import run

DEPTH = 10_000
DEEP = {
    "an array of arrays": "[" * DEPTH + "]" * DEPTH,
    "a record with a deep object": '[{"email": "a@example.com", "x": ' + '{"a": ' * DEPTH + "1" + "}" * DEPTH + "}]",
    "a JSON Lines record with a deep list": '{"email": "a@example.com", "x": ' + "[" * DEPTH + "]" * DEPTH + "}\n",
}
# Reads the file as the importer does, in a process of its own: its time, peak memory and error. The peak is this
# process image's own (VmHWM): getrusage's ru_maxrss keeps the peak of the forking process across exec.
MEASURE = """
import json, resource, sys, time
from aicmo.cam.leads.readers import open_lead_file
from aicmo.errors import ImportFileError
began = time.monotonic()
try:
    with open_lead_file(sys.argv[1]) as lead_file:
        error = f"read {sum(1 for _ in lead_file.rows())} rows"
except ImportFileError as exc:
    error = str(exc)
seconds = time.monotonic() - began
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(json.dumps({"seconds": seconds, "error": error, "peak_mb": int(status.split()[0]) / 1024}))
"""


def deep_file(tmp_path: Path, content: str) -> Path:
    path = tmp_path / ("deep.jsonl" if content.startswith("{") else "deep.json")
    path.write_text(content, "utf-8")
    return path


@pytest.mark.parametrize("content", DEEP.values(), ids=DEEP.keys())
def test_a_10000_deep_file_is_refused_in_under_2_s_and_200_mb(tmp_path: Path, content: str) -> None:
    path = deep_file(tmp_path, content)
    limit = 1 << 30  # past this much address space the reader would fail here rather than take the machine
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    done = subprocess.run([sys.executable, "-c", f"import resource; resource.setrlimit(resource.RLIMIT_AS, "
                           f"({limit}, {limit}))\n{MEASURE}", str(path)], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    assert measured["seconds"] < 2 and measured["peak_mb"] < 200
    assert "nested more than 32 levels deep" in measured["error"] and "column" in measured["error"]


@pytest.mark.parametrize("content", DEEP.values(), ids=DEEP.keys())
def test_the_import_command_says_where_in_one_line(tmp_path: Path, content: str) -> None:
    path = deep_file(tmp_path, content)
    done = run(tmp_path, "leads", "import", str(path), ok=False)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "line 1, column" in lines[0] and "nested more than 32 levels deep" in lines[0]


def test_the_depth_is_a_setting(tmp_path: Path) -> None:
    path = deep_file(tmp_path, '[{"email": "a@example.com", "x": [[["deep"]]]}]')
    done = run(tmp_path, "leads", "import", str(path), ok=False, env={"AICMO_IMPORT_JSON_MAX_DEPTH": "3"})
    assert "line 1, column 35: JSON nested more than 3 levels deep" in done.stderr
