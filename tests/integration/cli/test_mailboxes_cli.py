"""`aicmo mailboxes` through the command, on a SQLite file: add, list, show, change, pause, resume,
remove, and the refusals, which exit 1 naming the field at fault. No password ever reaches the output."""

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aicmo import operator_services as ops
from aicmo.cam.alerts import service as alerts
from aicmo.cam.inbox.models import InboxStateDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import Channel, EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachAttemptDB
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.secrets import is_sealed, open_secret
from aicmo.settings import DEFAULT_SECRET_KEY, Settings, with_own_secret_key
from tests.factories import make_lead
from tests.integration.cam.outreach.email.test_mailboxes import small_dkim_key
from tests.support.in_process import run_in_process
from tests.support.workspace import Done

ENV_PASSWORD = "env-secret-Pw1"
STDIN_PASSWORD = "stdin secret Pw2"  # spaces are part of a password
IMAP_ENV_PASSWORD = "imap-env-secret-Pw3"
IMAP_STDIN_PASSWORD = "imap stdin secret Pw4"
SECRETS = (ENV_PASSWORD, STDIN_PASSWORD, IMAP_ENV_PASSWORD, IMAP_STDIN_PASSWORD, "PRIVATE KEY")


def run(space: Path, *args: str, ok: bool = True, env: dict[str, str] | None = None, stdin: str = "") -> Done:
    environ = {"AICMO_DATABASE_URL": f"sqlite:///{space / 'aicmo.db'}", **(env or {})}
    done = run_in_process(args, cwd=space, env=environ, stdin=stdin)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, done.stderr
    assert not [secret for secret in SECRETS if secret in output]
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("│┃").split("│")]


def table(out: str) -> dict[str, dict[str, str]]:
    """The rows of the mailbox table by name, each as {column: cell} (one-line rows only)."""
    header = [cell.strip() for cell in next(line for line in out.splitlines() if line.startswith("┃"))
              .strip("┃").split("┃")]
    rows = [dict(zip(header, cells(line), strict=True)) for line in out.splitlines() if line.startswith("│")]
    return {row["name"]: row for row in rows}


def opened(stored: str | None, space: Path) -> str | None:
    """A secret as the commands stored it: encrypted with the key they made and kept beside the database."""
    if stored is None:
        return None
    assert is_sealed(stored), stored
    # The commands run with the AICMO_ environment of a user's shell: their key is kept beside the database.
    kept = with_own_secret_key(Settings(database_url=f"sqlite:///{space / 'aicmo.db'}", secret_key_file=None))
    return open_secret(stored, Settings(secret_key=kept.secret_key, previous_secret_key=None))


def stored(space: Path) -> dict[str, tuple[str | None, int, str | None]]:
    with sqlite3.connect(space / "aicmo.db") as connection:
        rows = connection.execute("SELECT name, smtp_password, daily_cap, paused_reason FROM mailboxes").fetchall()
    return {name: (opened(password, space), cap, reason) for name, password, cap, reason in rows}


ADD_SALES = ("mailboxes", "add", "sales", "--from", "sales@seller.example", "--from-name", "John Seller",
             "--smtp-host", "smtp.seller.example", "--username", "john", "--password-env", "SALES_SMTP_PASSWORD")


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mailboxes")
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    (path / "dkim.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                      serialization.PrivateFormat.TraditionalOpenSSL,
                                                      serialization.NoEncryption()))
    (path / "small.pem").write_text(small_dkim_key(), encoding="ascii")
    (path / "signature.txt").write_text("John Seller\nSeller Inc\n", encoding="utf-8")
    return path


@dataclass
class Steps:
    done: dict[str, Done]
    stored_after_add: dict[str, tuple[str | None, int, str | None]]


@pytest.fixture(scope="module")
def steps(space: Path) -> Steps:
    """Two mailboxes added (password from the environment, then from standard input), then each command in turn."""
    done = {"add sales": run(space, *ADD_SALES, env={"SALES_SMTP_PASSWORD": ENV_PASSWORD}),
            "add ops": run(space, "mailboxes", "add", "ops", "--from", "ops@seller.example", "--smtp-host",
                           "mail.seller.example", "--security", "tls", "--username", "ops", "--password-stdin",
                           "--daily-cap", "80", "--warmup-start", "10", "--warmup-increment", "5",
                           "--signature-file", "signature.txt", "--dkim-domain", "seller.example",
                           "--dkim-selector", "s2024", "--dkim-key-file", "dkim.pem", stdin=STDIN_PASSWORD + "\n")}
    after_add = stored(space)
    for name, args in {"list": ("list",), "show": ("show", "ops"),
                       "pause": ("pause", "sales", "--reason", "bounce rate 6%"), "list paused": ("list",),
                       "resume": ("resume", "sales"),
                       "set": ("set", "sales", "--daily-cap", "20", "--clear", "from-name"),
                       "remove unconfirmed": ("remove", "ops"), "remove": ("remove", "ops", "--yes"),
                       "list removed": ("list",)}.items():
        done[name] = run(space, "mailboxes", *args, ok=name != "remove unconfirmed")
    return Steps(done, after_add)


def test_add_takes_the_password_from_the_environment_or_standard_input_and_never_prints_it(
        steps: Steps) -> None:
    assert steps.done["add sales"].stdout.startswith(
        "added mailbox sales: John Seller <sales@seller.example> via smtp.seller.example:587 (starttls), daily cap 50")
    assert "added mailbox ops: ops@seller.example via mail.seller.example:465 (tls), daily cap 80" in steps.done[
        "add ops"].stdout
    passwords = {name: row[0] for name, row in steps.stored_after_add.items()}
    assert passwords == {"sales": ENV_PASSWORD, "ops": STDIN_PASSWORD}


def test_list_shows_each_mailbox_with_its_health(steps: Steps) -> None:
    rows = table(steps.done["list"].stdout)
    assert rows["sales"] == {"name": "sales", "from": "sales@seller.example", "host:port": "smtp.seller.example:587",
                             "security": "starttls", "daily cap": "50", "warm-up": "-", "sent today": "0/50",
                             "bounce rate": "0.0%", "complaint rate": "0.0%", "state": "active"}
    assert (rows["ops"]["warm-up"], rows["ops"]["sent today"], rows["ops"]["security"]) == ("10+5/day", "0/10", "tls")
    assert "2 mailbox(es)" in steps.done["list"].stdout


def test_show_gives_the_settings_without_the_secrets(steps: Steps) -> None:
    shown = steps.done["show"].stdout
    for line in ("mailbox ops", "  smtp: mail.seller.example:465 (tls)", "  username: ops", "  password: set",
                 "  dkim: seller.example, selector s2024", "  signature: text", "  sent today: 0 of 10",
                 "  bounce rate (24h): 0.0%", "  state: active"):
        assert f"{line}\n" in shown, shown


def test_pause_and_resume(steps: Steps) -> None:
    assert steps.done["pause"].stdout.strip() == "mailbox sales paused: bounce rate 6%"
    assert table(steps.done["list paused"].stdout)["sales"]["state"] == "paused: bounce rate 6%"
    assert steps.done["resume"].stdout.strip() == "mailbox sales resumed (active)"
    assert table(steps.done["list removed"].stdout)["sales"]["state"] == "active"


def test_set_changes_only_what_is_given(steps: Steps) -> None:
    out = steps.done["set"].stdout
    assert "  from: sales@seller.example\n" in out and "  daily cap: 20\n" in out and "  password: set\n" in out
    assert "sales: changed daily_cap, from_name" in out


def test_remove_asks_unless_yes_is_given(steps: Steps) -> None:
    assert steps.done["remove unconfirmed"].returncode == 1 and "Aborted" in steps.done["remove unconfirmed"].stderr
    assert steps.done["remove"].stdout.strip() == "mailbox ops removed"
    assert set(table(steps.done["list removed"].stdout)) == {"sales"}


BASE = ("mailboxes", "add", "new", "--from", "new@seller.example", "--smtp-host", "smtp.seller.example")
REFUSALS: dict[str, tuple[Sequence[str], str]] = {
    "bad from": (("mailboxes", "add", "new", "--from", "new.seller.example", "--smtp-host", "h.example"),
                 "from_address: not a valid email address"),
    "port 0": ((*BASE, "--smtp-port", "0"), "smtp_port: Input should be greater than or equal to 1"),
    "line break in from name": ((*BASE, "--from-name", "John\nBcc: victim@example.com"),
                                "from_name: may not contain CR, LF or NUL"),
    "DKIM key too small": ((*BASE, "--dkim-domain", "seller.example", "--dkim-selector", "s1", "--dkim-key-file",
                            "small.pem"), "dkim_private_key: the key has 512 bits"),
    "unknown security": ((*BASE, "--security", "ssl"), "--security 'ssl': use one of none, starttls, tls"),
    "password variable unset": ((*BASE, "--username", "u", "--password-env", "NO_SUCH_VARIABLE_X"),
                                "the environment variable NO_SUCH_VARIABLE_X is not set"),
    "duplicate": ((*BASE[:2], "sales", *BASE[3:]), "a mailbox named 'sales' already exists"),
    "show unknown": (("mailboxes", "show", "nobody"), "mailbox 'nobody' not found"),
    "set invalid": (("mailboxes", "set", "sales", "--daily-cap", "-5"), "daily_cap: Input should be greater"),
}


@pytest.fixture(scope="module")
def refusals(space: Path, steps: Steps) -> dict[str, Done]:
    """Each refused command, one after another on the database the steps left (with mailbox sales)."""
    return {case: run(space, *args, ok=False) for case, (args, _) in REFUSALS.items()}


@pytest.mark.parametrize("case", REFUSALS)
def test_bad_input_exits_1_saying_what_is_wrong(refusals: dict[str, Done], case: str) -> None:
    done, expected = refusals[case], REFUSALS[case][1]
    assert done.returncode == 1, done.stderr
    assert expected in done.stderr.replace("\n", " "), done.stderr
    assert done.stderr.startswith("error: ")


def test_nothing_refused_was_stored(space: Path, refusals: dict[str, Done]) -> None:
    assert stored(space) == {"sales": (ENV_PASSWORD, 20, None)}


def test_a_password_is_never_taken_as_an_option_value(space: Path) -> None:
    done = run(space, *BASE, "--password", "hunter2", ok=False)
    assert done.returncode == 2 and "No such option" in done.stderr


# IMAP: where replies and bounces are read.

def imap_stored(space: Path) -> dict[str, tuple[Any, ...]]:
    with sqlite3.connect(space / "aicmo.db") as connection:
        rows = connection.execute("SELECT name, imap_host, imap_port, imap_security, imap_username, imap_password, "
                                  "imap_folder, bounce_folder, smtp_password FROM mailboxes").fetchall()
    return {name: (*rest[:4], opened(rest[4], space), *rest[5:7], opened(rest[7], space)) for name, *rest in rows}


@dataclass
class ImapSteps:
    done: dict[str, Done]
    stored_after_add: dict[str, tuple[Any, ...]]
    stored_at_end: dict[str, tuple[Any, ...]]


@pytest.fixture(scope="module")
def imap_steps(tmp_path_factory: pytest.TempPathFactory) -> ImapSteps:
    """Two mailboxes added with IMAP settings (each IMAP password by another way), shown, changed and refused."""
    space = tmp_path_factory.mktemp("imap")
    passwords = {"SALES_SMTP_PASSWORD": ENV_PASSWORD, "IMAP_PW": IMAP_ENV_PASSWORD}
    done = {"add sales": run(space, *ADD_SALES, "--imap-host", "imap.seller.example", "--imap-password-stdin",
                             "--bounce-folder", "Bounces", env=passwords, stdin=IMAP_STDIN_PASSWORD + "\n"),
            "add ops": run(space, "mailboxes", "add", "ops", "--from", "ops@seller.example", "--smtp-host",
                           "smtp.seller.example", "--username", "ops", "--password-stdin", "--imap-host",
                           "imap.seller.example", "--imap-security", "starttls", "--imap-username", "box",
                           "--imap-password-env", "IMAP_PW", "--imap-folder", "Sales", env=passwords,
                           stdin=STDIN_PASSWORD + "\n")}
    after_add = imap_stored(space)
    for name, args in {"show sales": ("show", "sales"), "show ops": ("show", "ops"),
                       "set sales": ("set", "sales", "--imap-port", "1993", "--imap-folder", "Support",
                                     "--clear", "bounce-folder"),
                       "set ops": ("set", "ops", "--clear", "imap")}.items():
        done[name] = run(space, "mailboxes", *args, env=passwords)
    refusals = {"both on stdin": ("set", "sales", "--password-stdin", "--imap-password-stdin"),
                "unknown imap security": ("set", "sales", "--imap-security", "ssl"),
                "imap password variable unset": ("set", "sales", "--imap-password-env", "NO_SUCH_VARIABLE_Y"),
                "imap port 0": ("set", "sales", "--imap-port", "0"),
                "bounces into the folder read": ("set", "sales", "--bounce-folder", "Support"),
                "imap settings without a server": ("set", "ops", "--imap-username", "box"),
                "clear and set together": ("set", "sales", "--clear", "imap", "--imap-host", "imap.example"),
                "imap password as a value": ("set", "sales", "--imap-password", "hunter2")}
    for name, args in refusals.items():
        done[name] = run(space, "mailboxes", *args, ok=False, stdin="one\ntwo\n")
    return ImapSteps(done, after_add, imap_stored(space))


def test_add_stores_the_imap_settings_and_passwords_given_by_environment_or_standard_input(
        imap_steps: ImapSteps) -> None:
    assert "; reads INBOX at imap.seller.example:993" in imap_steps.done["add sales"].stdout
    assert imap_steps.stored_after_add == {
        "sales": ("imap.seller.example", 993, "tls", None, IMAP_STDIN_PASSWORD, "INBOX", "Bounces", ENV_PASSWORD),
        "ops": ("imap.seller.example", 143, "starttls", "box", IMAP_ENV_PASSWORD, "Sales", None, STDIN_PASSWORD)}


def test_show_lists_the_imap_settings_without_the_password(imap_steps: ImapSteps) -> None:
    done = imap_steps.done
    for name, lines in {"show sales": ("imap: imap.seller.example:993 (tls)", "imap username: john (SMTP's)",
                                       "imap password: set", "imap folder: INBOX", "bounce folder: Bounces"),
                        "show ops": ("imap: imap.seller.example:143 (starttls)", "imap username: box",
                                     "imap folder: Sales", "bounce folder: -")}.items():
        for line in lines:
            assert f"\n  {line}\n" in done[name].stdout, done[name].stdout


def test_set_changes_and_clears_the_imap_settings(imap_steps: ImapSteps) -> None:
    done = imap_steps.done
    assert "  imap: imap.seller.example:1993 (tls)\n" in done["set sales"].stdout
    assert "sales: changed bounce_folder, imap_folder, imap_port" in done["set sales"].stdout
    assert "  imap: none (replies and bounces are not read)\n" in done["set ops"].stdout
    assert imap_steps.stored_at_end == {
        "sales": ("imap.seller.example", 1993, "tls", None, IMAP_STDIN_PASSWORD, "Support", None, ENV_PASSWORD),
        "ops": (None, None, "starttls", None, None, "Sales", None, STDIN_PASSWORD)}


@pytest.mark.parametrize(("case", "expected"), [
    ("both on stdin", "--password-stdin and --imap-password-stdin together"),
    ("unknown imap security", "--imap-security 'ssl': use one of none, starttls, tls"),
    ("imap password variable unset", "--imap-password-env: the environment variable NO_SUCH_VARIABLE_Y is not set"),
    ("imap port 0", "imap_port: Input should be greater than or equal to 1"),
    ("bounces into the folder read", "bounce_folder: must differ from imap_folder"),
    ("imap settings without a server", "imap_host: imap_username is only used with an IMAP server"),
    ("clear and set together", "--clear imap and a new imap_host together"),
])
def test_bad_imap_input_exits_1_saying_what_is_wrong(imap_steps: ImapSteps, case: str,
                                                     expected: str) -> None:
    done = imap_steps.done[case]
    assert (done.returncode, done.stderr.startswith("error: ")) == (1, True), done.stderr
    assert expected in done.stderr.replace("\n", " "), done.stderr


def test_an_imap_password_is_never_taken_as_an_option_value(imap_steps: ImapSteps) -> None:
    done = imap_steps.done["imap password as a value"]
    assert done.returncode == 2 and "No such option" in done.stderr


# `aicmo mailboxes status`: the deliverability guard's figures, the inbox, and the alerts not yet acknowledged.

POLLED, ALERTED = datetime(2024, 5, 10, 11, 58, tzinfo=UTC), datetime(2024, 5, 10, 11, 0, tzinfo=UTC)


def status_rows(out: str) -> dict[str, dict[str, list[str]]]:
    """The status table by mailbox name, each cell as its lines (a row may span several)."""
    lines = out.splitlines()
    header = cells(next(line for line in lines if line.startswith("┃")).replace("┃", "│"))
    rows: list[dict[str, list[str]]] = []
    for line in (line for line in lines if line.startswith("│")):
        values = cells(line)
        if values[0]:
            rows.append({column: [] for column in header})
        for column, value in zip(header, values, strict=True):
            rows[-1][column] += [value] if value else []
    return {row["name"][0]: row for row in rows}


def seed_sends(space: Path) -> None:
    """sales: 10 sent today, 1 refused on the spot (a hard bounce), 1 complaint, a failed IMAP poll; two alerts about
    ops, one acknowledged. The 4 newest sends come after the bounce."""
    now = datetime.now(UTC)
    newest = max(now - timedelta(minutes=1), now.replace(hour=0, minute=10, second=0, microsecond=0))
    engine = make_engine(f"sqlite:///{space / 'aicmo.db'}")
    with make_session_factory(engine)() as db:
        lead_id, sales = ops.create_lead(db, LeadCreate(**make_lead())).id, ops.get_mailbox(db, "sales").id
        for when in [newest] * 4 + [newest - timedelta(minutes=10)] * 6:
            db.add(OutreachAttemptDB(lead_id=lead_id, channel=Channel.EMAIL, mailbox_id=sales, status=SendStatus.SENT,
                                     started_at=when))
        refused = OutreachAttemptDB(lead_id=lead_id, channel=Channel.EMAIL, mailbox_id=sales,
                                    status=SendStatus.FAILED, started_at=newest - timedelta(minutes=10))
        db.add(refused)
        db.flush()
        db.add_all([DeliveryEventDB(kind=EventKind.HARD_BOUNCE, lead_id=lead_id, mailbox_id=sales,
                                    attempt_id=refused.id, occurred_at=refused.started_at),
                    DeliveryEventDB(kind=EventKind.COMPLAINT, lead_id=lead_id, mailbox_id=sales, occurred_at=newest),
                    InboxStateDB(mailbox_id=sales, folder="INBOX", last_uid=3, last_polled_at=POLLED,
                                 last_error="login refused")])
        alerts.raise_alert(db, "mailbox.paused", subject="ops", message="Mailbox ops paused itself: bounce rate 9.1%.",
                           now=ALERTED)
        seen = alerts.raise_alert(db, "mailbox.paused", subject="ops", message="an old pause, dealt with")
        db.flush()
        alerts.acknowledge(db, seen.id)
        db.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def status(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    space = tmp_path_factory.mktemp("status")
    run(space, *ADD_SALES, "--imap-host", "imap.seller.example", env={"SALES_SMTP_PASSWORD": ENV_PASSWORD})
    run(space, "mailboxes", "add", "ops", "--from", "ops@seller.example", "--smtp-host", "smtp.seller.example")
    run(space, "mailboxes", "pause", "ops", "--reason", "bounce rate 9.1%")
    seed_sends(space)
    window = {"AICMO_GUARD_WINDOW_SENDS": "4", "AICMO_GUARD_MIN_SENDS": "4"}
    return {"text": run(space, "mailboxes", "status", env=window),
            "json": run(space, "mailboxes", "status", "--format", "json", env=window),
            "colour": run(space, "mailboxes", "status", env=window | {"FORCE_COLOR": "1"})}


def test_status_shows_each_mailboxs_guard_figures_and_inbox(status: dict[str, Done]) -> None:
    rows = status_rows(status["text"].stdout)
    assert " ".join(rows["sales"].pop("last error")) == "login refused"  # wrapped to the terminal's width
    assert rows["sales"] == {
        "name": ["sales"], "state": ["active"], "sent today": ["10/50"], "window": ["last 4 sends", "last 24 h"],
        "bounces": ["0 of 4 (0.0%)", "1 of 11 (9.1%) > 5.0%"],
        "complaints": ["1 of 4 (25.00%) > 0.30%", "1 of 11 (9.09%) > 0.30%"],
        "policy": ["0 of 4 (0.0%)", "0 of 11 (0.0%)"], "inbox": ["INBOX"], "last polled (UTC)": ["2024-05-10 11:58"]}
    ops_row = rows["ops"]
    assert " ".join(ops_row.pop("state")) == "paused: bounce rate 9.1%"
    assert ops_row == {"name": ["ops"], "sent today": ["0/50"], "window": ["last 24 h"],
                       "bounces": ["0 of 0 (0.0%)"], "complaints": ["0 of 0 (0.00%)"],
                       "policy": ["0 of 0 (0.0%)"], "inbox": ["not set"],
                       "last polled (UTC)": ["-"], "last error": ["-"]}


def test_status_lists_the_alerts_not_yet_acknowledged(status: dict[str, Done]) -> None:
    out = status["text"].stdout
    assert "alerts not yet acknowledged: 1\n" in out
    assert "  2024-05-10 11:00 UTC  mailbox.paused  ops: Mailbox ops paused itself: bounce rate 9.1%.\n" in out
    assert "an old pause" not in out


def test_status_marks_a_rate_above_its_threshold_in_red(status: dict[str, Done]) -> None:
    out = status["colour"].stdout
    for figure in ("1 of 11 (9.1%) > 5.0%", "1 of 4 (25.00%) > 0.30%", "refused"):
        assert f"\x1b[31m{figure}\x1b[0m" in out, out
    assert "\x1b[31m0 of 4" not in out and "0 of 4 (0.0%)" in out


def test_status_as_json_gives_the_same_figures(status: dict[str, Done]) -> None:
    shown = json.loads(status["json"].stdout)
    sales, ops_row = shown["mailboxes"]
    assert sales["windows"][1] == {"label": "last 24 h", "sends": 11, "bounces": 1, "complaints": 1,
                                   "policy_refusals": 0, "bounce_rate": 1 / 11, "complaint_rate": 1 / 11,
                                   "policy_rate": 0.0, "bounce_rate_over": True, "complaint_rate_over": True,
                                   "policy_rate_over": False}
    assert shown["thresholds"] == sales["thresholds"] == {
        "bounce_rate": 0.05, "complaint_rate": 0.003, "policy_rate": 0.02, "min_sends": 4, "window_sends": 4,
        "window_hours": 24.0}
    assert (sales["sent_today"], sales["inbox"], sales["last_error"]) == (10, True, "login refused")
    assert (ops_row["state"], ops_row["paused_reason"], ops_row["inbox"]) == ("paused", "bounce rate 9.1%", False)
    assert [(a["kind"], a["subject"], a["created_at"]) for a in shown["alerts"]] == [
        ("mailbox.paused", "ops", "2024-05-10T11:00:00+00:00")]


def test_status_names_the_thresholds_the_guard_applies(status: dict[str, Done]) -> None:
    assert ("the guard pauses a mailbox above 5.0% bounces, 0.30% complaints or 2.0% policy refusals, over its "
            "last 4 sends or 24 h, once a window holds 4 sends\n") in status["text"].stdout


def test_thresholds_stored_with_guard_are_the_ones_status_shows_and_judges_by(tmp_path: Path) -> None:
    run(tmp_path, *ADD_SALES, env={"SALES_SMTP_PASSWORD": ENV_PASSWORD})
    seed_sends(tmp_path)
    changed = run(tmp_path, "mailboxes", "guard", "--bounce-rate", "0.25", "--min-sends", "4")
    assert "above 25.0% bounces" in changed.stdout and "once a window holds 4 sends" in changed.stdout

    # Whatever this shell's settings say, the stored thresholds are the ones shown and applied.
    shown = run(tmp_path, "mailboxes", "status", env={"AICMO_GUARD_BOUNCE_RATE": "0.05"}).stdout
    assert status_rows(shown)["sales"]["bounces"] == ["1 of 11 (9.1%)"]  # under 25%: not marked
    assert "above 25.0% bounces" in shown
    assert "above 25.0% bounces" in run(tmp_path, "mailboxes", "guard").stdout


@pytest.mark.parametrize(("option", "value", "field"), [
    ("--bounce-rate", "2", "bounce_rate"), ("--policy-rate", "-0.1", "policy_rate"),
    ("--window-sends", "0", "window_sends"), ("--window-hours", "nan", "window_hours")])
def test_a_threshold_out_of_range_is_one_clear_error_naming_it(tmp_path: Path, option: str, value: str,
                                                              field: str) -> None:
    refused = run(tmp_path, "mailboxes", "guard", option, value, ok=False)
    assert refused.returncode == 1 and refused.stderr.startswith(f"error: {field}: ")
    assert len(refused.stderr.strip().splitlines()) == 1


# A change of AICMO_SECRET_KEY, with and without the previous one.

def test_after_a_secret_change_without_the_previous_one_list_still_works_and_the_worker_names_the_mailbox(
        tmp_path: Path) -> None:
    first, second = {"AICMO_SECRET_KEY": "first-secret"}, {"AICMO_SECRET_KEY": "second-secret"}
    run(tmp_path, *ADD_SALES, env=first | {"SALES_SMTP_PASSWORD": ENV_PASSWORD})

    listed = run(tmp_path, "mailboxes", "list", env=second)
    assert table(listed.stdout)["sales"]["state"] == "active; smtp_password unreadable"
    shown = status_rows(run(tmp_path, "mailboxes", "status", env=second).stdout)
    assert " ".join(shown["sales"]["state"]) == "active; smtp_password unreadable"
    worker = run(tmp_path, "worker", "--once", env=second, ok=False)
    assert worker.returncode == 1 and len(worker.stderr.strip().splitlines()) == 1
    assert worker.stderr.startswith("error: mailbox 'sales': its smtp_password cannot be decrypted")
    assert "AICMO_PREVIOUS_SECRET_KEY" in worker.stderr
    refused = run(tmp_path, "mailboxes", "rotate-secrets", env=second, ok=False)
    assert refused.returncode == 1 and "sales (smtp_password)" in refused.stderr

    both = second | {"AICMO_PREVIOUS_SECRET_KEY": "first-secret"}
    assert "1 encrypted with the current key, 0 already were" in run(
        tmp_path, "mailboxes", "rotate-secrets", env=both).stdout
    assert "0 encrypted with the current key, 1 already were" in run(
        tmp_path, "mailboxes", "rotate-secrets", env=second).stdout
    assert table(run(tmp_path, "mailboxes", "list", env=second).stdout)["sales"]["state"] == "active"
    with sqlite3.connect(tmp_path / "aicmo.db") as connection:
        [token] = connection.execute("SELECT smtp_password FROM mailboxes").fetchone()
    assert open_secret(token, Settings(secret_key="second-secret", previous_secret_key=None)) == ENV_PASSWORD


KEPT_KEY_NOTE = "secret key: kept in"


def test_without_a_secret_key_one_is_made_kept_and_reused(tmp_path: Path) -> None:
    password = {"SALES_SMTP_PASSWORD": ENV_PASSWORD, "AICMO_SECRET_KEY_FILE": str(tmp_path / "keys" / "secret.key")}
    added = run(tmp_path, *ADD_SALES, env=password)
    key_file = tmp_path / "keys" / "secret.key"
    assert f"{KEPT_KEY_NOTE} {key_file}" in added.stderr
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 32
    with sqlite3.connect(tmp_path / "aicmo.db") as connection:
        [token] = connection.execute("SELECT smtp_password FROM mailboxes").fetchone()
    assert open_secret(token, Settings(secret_key=key, previous_secret_key=None)) == ENV_PASSWORD
    with pytest.raises(InvalidToken):  # the public default opens nothing stored since
        open_secret(token, Settings(secret_key=DEFAULT_SECRET_KEY, previous_secret_key=None))
    assert KEPT_KEY_NOTE in run(tmp_path, "worker", "--once", env=password).stderr
    assert key_file.read_text().strip() == key  # the same key, every time


def test_a_set_secret_key_is_used_and_nothing_is_kept(tmp_path: Path) -> None:
    own = run(tmp_path, *ADD_SALES, env={"SALES_SMTP_PASSWORD": ENV_PASSWORD,
                                         "AICMO_SECRET_KEY": "a-long-random-secret"})
    assert KEPT_KEY_NOTE not in own.stderr
    assert KEPT_KEY_NOTE not in own.stderr and not (tmp_path / "aicmo.db.key").exists()
