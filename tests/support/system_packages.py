"""Install the Debian packages a test needs (a real Dovecot, a real browser) when the machine lacks them.

Each package is named with a file that proves it is installed, so a machine that has it never runs apt. Parallel
test processes take a file lock first: dpkg allows one install at a time, and the second process then finds the
package already there.

    python -m tests.support.system_packages dovecot-imapd chromium
"""

import fcntl
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Package → a file it installs: what the command line accepts.
KNOWN_PACKAGES = {
    "dovecot-imapd": "/usr/sbin/dovecot",
    "chromium": "/usr/bin/chromium",
}

LOCK_PATH = Path(tempfile.gettempdir()) / "aicmo-apt-install.lock"


class SystemPackageError(RuntimeError):
    """A package could not be installed: the message says which and what apt said."""


def ensure_debian_packages(packages: dict[str, str]) -> None:
    """Install the packages whose proving file is missing; raise SystemPackageError if that fails."""
    if not _missing(packages):
        return
    with _install_lock():
        missing = _missing(packages)  # another process may have installed them while this one waited
        if not missing:
            return
        _apt("update")
        _apt("install", "-y", "--no-install-recommends", *missing)
    still_missing = _missing(packages)
    if still_missing:
        raise SystemPackageError(f"apt-get installed {', '.join(still_missing)} but these files are still missing: "
                                 + ", ".join(packages[name] for name in still_missing))


def _missing(packages: dict[str, str]) -> list[str]:
    return sorted(name for name, proof in packages.items() if not Path(proof).exists())


@contextmanager
def _install_lock() -> Iterator[None]:
    with LOCK_PATH.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _apt(*arguments: str) -> None:
    command = ["apt-get", *arguments]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SystemPackageError(f"cannot run {' '.join(command)}: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise SystemPackageError(f"{' '.join(command)} exited with {done.returncode}:\n{tail}")


def main(names: list[str]) -> int:
    """Install the named known packages; print what is unknown and exit 2 for it."""
    unknown = [name for name in names if name not in KNOWN_PACKAGES]
    if unknown or not names:
        print(f"usage: python -m tests.support.system_packages PACKAGE...; known: {', '.join(KNOWN_PACKAGES)}"
              + (f"; unknown: {', '.join(unknown)}" if unknown else ""), file=sys.stderr)
        return 2
    try:
        ensure_debian_packages({name: KNOWN_PACKAGES[name] for name in names})
    except SystemPackageError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
