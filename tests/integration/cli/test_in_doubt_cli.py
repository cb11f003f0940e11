"""Messages in doubt and honest results through the `aicmo` command, on a SQLite file: `send` says a LinkedIn step
waits for the operator, `messages list --in-doubt` shows what may have gone out, `messages resolve` settles it,
and `messages retry` says in one line why it will not."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from aicmo.cam.engine.claim import recover_expired
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.db.base import utcnow
from aicmo.db.engine import make_engine, make_session_factory
from tests.integration.cli.test_outreach_cli import leads_workspace, row
from tests.support.workspace import Workspace


def left_in_doubt(space: Workspace) -> None:
    """Every message of the workspace taken by a worker that vanished while the channel had it."""
    engine = make_engine(space.database_url)
    with make_session_factory(engine)() as db:
        db.execute(update(OutreachMessageDB).values(status=MessageStatus.SENDING, lease_owner="gone",
                                                    lease_expires_at=utcnow() - timedelta(minutes=1)))
        db.commit()
        recover_expired(db, utcnow())
    engine.dispose()


def test_send_says_the_linkedin_step_waits_for_the_operator(tmp_path: Path) -> None:
    space = leads_workspace(tmp_path)
    sent = space.run("send", "1", "--subject", "Hi", "--body", "Hello Jane", "--channel", "email", "--channel",
                     "linkedin").stdout
    assert sent.splitlines()[0].endswith("to lead 1: LinkedIn task 1 waiting for you (aicmo tasks list)")
    history = space.run("history", "--lead", "1").stdout
    assert history.index("no sender mailbox is configured") < history.index("waiting for the operator")


def test_messages_in_doubt_are_listed_settled_and_retried_with_reasons(tmp_path: Path) -> None:
    space = leads_workspace(tmp_path)
    space.run("send", "1", "--subject", "Hi", "--body", "Hello Jane", "--channel", "email", "--queue-only")
    space.run("send", "2", "--subject", "Hi", "--body", "Hello John", "--channel", "email", "--queue-only")
    left_in_doubt(space)

    listed = space.run("messages", "list", "--in-doubt").stdout
    assert "2 message(s)" in listed and "aicmo messages resolve ID --delivered | --resend | --drop" in listed
    john, jane = (row(listed, short)[0] for short in _short_ids(listed))  # newest first
    assert row(listed, jane)[1] == "1"
    delivered = space.run("messages", "resolve", jane, "--delivered").stdout
    assert delivered.strip().endswith("counted as sent (sent)")
    assert space.run("messages", "resolve", john, "--drop").stdout.strip().endswith("dropped (cancelled)")
    assert "0 message(s)" in space.run("messages", "list", "--in-doubt").stdout

    refused = space.run("messages", "retry", jane, ok=False)
    assert refused.returncode == 1
    assert "so sending it again would send it twice" in refused.stderr + refused.stdout
    both = space.run("messages", "resolve", john, "--drop", "--resend", ok=False)
    assert "give exactly one of --delivered, --resend or --drop" in both.stderr + both.stdout
    assert "queued again on email" in space.run("messages", "retry", john).stdout


def _short_ids(listed: str) -> list[str]:
    return [line.strip("│ ").split("│")[0].strip() for line in listed.splitlines()
            if line.startswith("│") and "in_doubt" in line]
