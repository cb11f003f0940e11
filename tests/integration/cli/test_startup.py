"""The `aicmo` command starts without the libraries only a few commands need."""

import subprocess
import sys

HEAVY = ("scipy", "playwright")


def test_loading_the_command_leaves_the_statistics_and_browser_libraries_unloaded() -> None:
    probe = f"import sys, aicmo.cli.main; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
