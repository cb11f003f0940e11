"""`aicmo inbox poll` and `aicmo inbox list` through the installed command, against a real Dovecot."""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.models import MailboxDB
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from tests.integration.cam.inbox.builders import sent_email
from tests.integration.cam.inbox.conftest import dovecot, imap_account
from tests.integration.cli.test_mailboxes_cli import run as run_command
from tests.support.dovecot import ImapAccount
from tests.support.workspace import Done

__all__ = ["dovecot", "imap_account"]


def run(space: Path, *args: str, ok: bool = True) -> Done:
    """The command, with the secret key this process sealed the mailbox's password with when it stored it."""
    return run_command(space, *args, ok=ok, env={"AICMO_SECRET_KEY_FILE": os.environ["AICMO_SECRET_KEY_FILE"]})


def database_with_a_sent_email(space: Path, account: ImapAccount) -> str:
    """A SQLite file with mailbox `sales` reading the account's inbox, and one email sent from it; its id."""
    engine = make_engine(f"sqlite:///{space / 'aicmo.db'}")
    upgrade(engine)
    with make_session_factory(engine)() as db:
        mailbox = MailboxDB(name="sales", from_address="sales@seller.example", smtp_host="127.0.0.1",
                            smtp_port=25, smtp_security=SmtpSecurity.NONE, imap_host=account.host,
                            imap_port=account.port, imap_security=SmtpSecurity.NONE, imap_username=account.user,
                            imap_password=account.password)
        db.add(mailbox)
        db.commit()
        message_id = sent_email(db, mailbox, when=datetime.now(UTC)).id
    engine.dispose()
    return message_id


def reply(message_id: str) -> bytes:
    return (f"From: Jane <jane@acme.io>\r\nTo: sales@seller.example\r\nSubject: Re: Quick question\r\n"
            f"Message-ID: <r-1@acme.io>\r\nIn-Reply-To: <{message_id}@seller.example>\r\n\r\n"
            f"Happy to talk on Friday.\r\n\r\nOn Mon, Nov 23, 2026, Sales wrote:\r\n> Hello\r\n").encode()


def test_poll_applies_new_mail_and_list_shows_the_reply_text(tmp_path: Path, imap_account: ImapAccount) -> None:
    message_id = database_with_a_sent_email(tmp_path, imap_account)
    imap_account.append(reply(message_id))

    polled = run(tmp_path, "inbox", "poll")
    assert "reply 1" in polled.stdout and "sales" in polled.stdout
    again = run(tmp_path, "inbox", "poll")
    assert "reply" not in again.stdout  # already read: nothing new

    listed = run(tmp_path, "inbox", "list", "--kind", "reply")
    assert "Happy to talk on Friday." in listed.stdout and "Hello" not in listed.stdout
    assert "positive" in listed.stdout  # read as interested when it arrived: an outcome
    assert "positive_reply" in run(tmp_path, "outcomes", "list").stdout
    corrected = run(tmp_path, "inbox", "intent", "1", "neutral")
    assert corrected.stdout.strip() == "incoming message 1 from lead 1: intent neutral"
    assert "neutral (set by hand)" in run(tmp_path, "inbox", "list").stdout
    assert run(tmp_path, "outcomes", "list").stdout.rstrip().endswith("0 shown")
    assert "use one of: positive" in run(tmp_path, "inbox", "intent", "1", "happy", ok=False).stderr
    with sqlite3.connect(tmp_path / "aicmo.db") as connection:
        assert connection.execute("SELECT status FROM outreach_messages WHERE id = ?",
                                  (message_id,)).fetchone() == ("replied",)


def test_an_unreachable_imap_server_is_reported_with_exit_1(tmp_path: Path, imap_account: ImapAccount) -> None:
    database_with_a_sent_email(tmp_path, imap_account)
    with sqlite3.connect(tmp_path / "aicmo.db") as connection:
        connection.execute("UPDATE mailboxes SET imap_port = 1")
    failed = run(tmp_path, "inbox", "poll", "--mailbox", "sales", ok=False)
    assert failed.returncode == 1 and "127.0.0.1:1" in failed.stdout
    unknown = run(tmp_path, "inbox", "poll", "--mailbox", "nobody", ok=False)
    assert unknown.returncode == 1 and "no mailbox named 'nobody'" in unknown.stderr


def test_list_refuses_an_unknown_kind(tmp_path: Path) -> None:
    done = run(tmp_path, "inbox", "list", "--kind", "spam", ok=False)
    assert done.returncode == 1 and "unknown kind 'spam'" in done.stderr
