"""A scratch directory with the example files and a database, where `aicmo` commands run as a user runs them.

Commands run in this process through the CLI's own entry (the same app the installed script calls), with the
environment and working directory a user's shell would give; `installed=True` runs the installed script in a
subprocess instead, which a few tests do to prove the script itself. A subprocess spends most of its second starting
Python, so independent installed commands run side by side.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.support.in_process import run_in_process

EXAMPLES = Path(__file__).parents[2] / "examples"
SCRIPT = Path(sys.executable).with_name("aicmo")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "aicmo.cli.main"]
Done = subprocess.CompletedProcess[str]


@dataclass
class Workspace:
    """A directory with copies of the example files (rejects files land here), and a database URL."""

    path: Path
    database_url: str
    installed: bool = False

    def run(self, *args: str, ok: bool = True, database_url: str | None = None,
            settings: dict[str, str] | None = None) -> Done:
        env = {"AICMO_DATABASE_URL": database_url or self.database_url, **(settings or {})}
        if self.installed:
            inherited = {k: v for k, v in os.environ.items() if not k.startswith("AICMO_") and k != "COLUMNS"}
            done = subprocess.run([*COMMAND, *args], cwd=self.path, env={**inherited, **env}, capture_output=True,
                                  text=True, timeout=120, check=False)
        else:
            done = run_in_process(args, cwd=self.path, env=env)
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def run_all(self, commands: Sequence[Sequence[str]], ok: bool = True, separate_databases: bool = False
                ) -> list[Done]:
        """Run independent commands side by side, on this database or each on a fresh SQLite file of its own."""

        def one(numbered: tuple[int, Sequence[str]]) -> Done:
            n, args = numbered
            url = f"sqlite:///{self.path / f'db{n}.db'}" if separate_databases else None
            return self.run(*args, ok=ok, database_url=url)

        if not self.installed:  # one process: its environment and working directory are one at a time
            return [one(numbered) for numbered in enumerate(commands)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            return list(pool.map(one, enumerate(commands)))


def workspace(path: Path, database_url: str | None = None, *, installed: bool = False) -> Workspace:
    for name in ("leads.csv", "salesnav_export.csv"):
        shutil.copy(EXAMPLES / name, path / name)
    return Workspace(path, database_url or f"sqlite:///{path / 'aicmo.db'}", installed)
