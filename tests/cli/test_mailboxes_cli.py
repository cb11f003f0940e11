"""`aicmo mailboxes` through the installed command, on a SQLite file: add, list, show, change, pause, resume,
remove, and the refusals, which exit 1 naming the field at fault. No password ever reaches the output."""

import os
import sqlite3
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.cam.outreach.email.test_mailboxes import small_dkim_key
from tests.cli.test_cli import COMMAND, Done

ENV_PASSWORD = "env-secret-Pw1"
STDIN_PASSWORD = "stdin secret Pw2"  # spaces are part of a password


def run(space: Path, *args: str, ok: bool = True, env: dict[str, str] | None = None, stdin: str = "") -> Done:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AICMO_") and k != "COLUMNS"}
    environ["AICMO_DATABASE_URL"] = f"sqlite:///{space / 'aicmo.db'}"
    environ.update(env or {})
    done = subprocess.run([*COMMAND, *args], cwd=space, env=environ, input=stdin, capture_output=True, text=True,
                          timeout=120, check=False)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, done.stderr
    assert ENV_PASSWORD not in output and STDIN_PASSWORD not in output and "PRIVATE KEY" not in output
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


def stored(space: Path) -> dict[str, tuple[str | None, int, str | None]]:
    with sqlite3.connect(space / "aicmo.db") as connection:
        rows = connection.execute("SELECT name, smtp_password, daily_cap, paused_reason FROM mailboxes").fetchall()
    return {name: (password, cap, reason) for name, password, cap, reason in rows}


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
    """Each refused command, side by side on the database the steps left (with mailbox sales)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        done = pool.map(lambda args: run(space, *args, ok=False), (args for args, _ in REFUSALS.values()))
        return dict(zip(REFUSALS, done, strict=True))


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
