"""`aicmo ARGS` run in this process, as the installed script runs it, answered like a finished subprocess.

The installed script calls `aicmo.cli.main:app`; so does this, through Click's test runner, with the working
directory and the AICMO_ environment a user's shell would give and the cached settings and engines of earlier
commands forgotten. Starting Python for every command cost a second each; this costs milliseconds.
"""

import contextlib
import logging
import os
import subprocess
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

from typer.testing import CliRunner

from aicmo.bootstrap import engine_for
from aicmo.cli.context import follow_environment
from aicmo.settings import get_settings


def run_in_process(args: Sequence[str], *, cwd: Path, env: Mapping[str, str],
                   stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command with exactly `env` as its AICMO_ settings; a traceback lands in stderr as it would."""
    from aicmo.cli.main import app

    # The installed command's tests ran it without the test runner's COLUMNS and AICMO_ settings.
    shell = {**{name: None for name in os.environ if name.startswith("AICMO_")}, "COLUMNS": None, **env}
    before, root = Path.cwd(), logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []  # a command that sets up logging (the worker) then logs to its own standard error
    get_settings.cache_clear()
    os.chdir(cwd)
    runner = CliRunner()
    try:
        with runner.isolation(input=stdin, env=shell):
            follow_environment()
        result = runner.invoke(app, list(args), env=shell, input=stdin, catch_exceptions=True)
    finally:
        os.chdir(before)
        root.handlers, root.level = handlers, level
        follow_environment()
        _forget(env.get("AICMO_DATABASE_URL"))
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["aicmo", *args], result.exit_code, result.stdout, stderr)


def _forget(database_url: str | None) -> None:
    """Close the command's connections and drop its cached engine and settings, as a process exit would."""
    if database_url and engine_for.cache_info().currsize:
        with contextlib.suppress(Exception):  # a URL the command refused never made an engine worth closing
            engine_for(database_url).dispose()
    engine_for.cache_clear()
    get_settings.cache_clear()
