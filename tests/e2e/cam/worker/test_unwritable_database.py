"""A worker whose SQLite file cannot be written stops with one line naming the file, never a traceback."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel
from aicmo.db.base import utcnow
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from tests.factories import make_lead

AICMO = Path(sys.executable).with_name("aicmo")


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """The file made immutable (chattr +i): not even root may write it, as a read-only mount or a full disk."""
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {made.stderr.strip() or 'chattr failed'}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_worker_whose_database_cannot_be_written_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "aicmo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with make_session_factory(engine)() as db:
        lead = ops.create_lead(db, LeadCreate(**make_lead()))
        messages.create(db, lead_id=lead.id, body="Hello", subject="Hi", now=utcnow(), channels=[Channel.LINKEDIN])
        db.commit()
    engine.dispose()

    with immutable(path):
        done = subprocess.run([str(AICMO), "worker", "--once"], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "AICMO_DATABASE_URL": f"sqlite:///{path}",
                                   "AICMO_SECRET_KEY": "a-key-for-this-test-only-0123456789"})

    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: database error ({path}): attempt to write a readonly database")
