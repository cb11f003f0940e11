"""Sender mailboxes: their SMTP sessions (chosen by name or in turn, each reused across messages), and managing
them (add, list, change, pause, resume, remove, health) on SQLite and PostgreSQL."""

import asyncio
import email
import email.policy
import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import Channel, ErrorKind, EventKind, SendStatus, SmtpSecurity
from aicmo.cam.outreach.email import mailboxes
from aicmo.cam.outreach.email.mailbox_schemas import MailboxCreate, MailboxRead, MailboxUpdate
from aicmo.cam.outreach.email.mailboxes import DuplicateMailbox, InvalidMailbox, MailboxNotFound
from aicmo.cam.outreach.email.store import load_mailboxes
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB, OutreachAttemptDB
from tests.factories import make_lead
from tests.integration.cam.outreach.email.builders import SETTINGS, lead, mailbox, message, service
from tests.support.smtp_server import ScriptedSmtpServer


def from_header(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=email.policy.default)["From"])


async def test_two_messages_from_one_mailbox_share_one_smtp_connection(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    first = await channel.send(message(), lead())
    second = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert (first.status, second.status) == (SendStatus.SENT, SendStatus.SENT)
    assert smtp_server.connections == 1
    assert [e.connection for e in smtp_server.envelopes] == [1, 1]
    assert smtp_server.sessions[0].count(b"EHLO ") == 1 and smtp_server.sessions[0].endswith(b"QUIT\r\n")


async def test_concurrent_sends_from_one_mailbox_share_its_few_connections(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    results = await asyncio.gather(*(channel.send(message(), lead(email=f"lead{i}@acme.io")) for i in range(10)))
    await channel.aclose()

    assert all(result.status is SendStatus.SENT for result in results)
    assert smtp_server.connections == SETTINGS.smtp_connections_per_mailbox
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == sorted(f"lead{i}@acme.io" for i in range(10))


async def test_a_connection_the_server_closed_while_idle_is_reopened(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    await channel.send(message(), lead())
    smtp_server.drop_connections()
    await asyncio.sleep(0.05)
    result = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert result.status is SendStatus.SENT
    assert smtp_server.connections == 2 and len(smtp_server.envelopes) == 2


async def test_a_reused_connection_refused_before_data_is_retried_once_on_a_new_one(
        smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    await channel.send(message(), lead())
    smtp_server.mail_replies.append("421 4.4.2 Idle timeout, closing connection")
    result = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert result.status is SendStatus.SENT
    assert [(e.rcpt_tos, e.connection) for e in smtp_server.envelopes] == [(["jane@acme.io"], 1),
                                                                            (["john@acme.io"], 2)]


async def test_a_fresh_connection_refused_at_mail_is_not_retried(smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.mail_replies.extend(["421 4.3.2 Try again later", "421 4.3.2 Try again later"])
    channel = service(mailbox(smtp_server))
    result = await channel.send(message(), lead())
    await channel.aclose()

    assert (result.status, result.error_kind, result.response_code) == (SendStatus.FAILED, ErrorKind.TRANSIENT, 421)
    assert smtp_server.connections == 1 and len(smtp_server.mail_replies) == 1


async def test_each_mailbox_sends_with_its_own_from_over_its_own_connection(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "alice", from_name="Alice Ång"),
                      mailbox(smtp_server, "bob", from_name="Bob Builder"))
    results = [await channel.send(message(mailbox=name), lead(email=f"{name}-lead@acme.io"))
               for name in ("alice", "bob", "alice")]
    await channel.aclose()

    assert [r.mailbox for r in results] == ["alice", "bob", "alice"]
    assert [e.mail_from for e in smtp_server.envelopes] == ["alice@seller.example", "bob@seller.example",
                                                            "alice@seller.example"]
    assert [from_header(e.content) for e in smtp_server.envelopes] == [
        "Alice Ång <alice@seller.example>", "Bob Builder <bob@seller.example>", "Alice Ång <alice@seller.example>"]
    assert smtp_server.connections == 2
    assert [e.connection for e in smtp_server.envelopes] == [1, 2, 1]


async def test_without_a_named_mailbox_the_enabled_unpaused_ones_take_turns(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "a"), mailbox(smtp_server, "off", enabled=False),
                      mailbox(smtp_server, "b"), mailbox(smtp_server, "paused", paused_at=datetime.now(UTC)))
    results = [await channel.send(message(), lead()) for _ in range(4)]
    await channel.aclose()

    assert [r.mailbox for r in results] == ["a", "b", "a", "b"]
    assert {e.mail_from for e in smtp_server.envelopes} == {"a@seller.example", "b@seller.example"}


async def test_a_named_mailbox_that_is_unknown_or_paused_fails_transiently(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "paused", paused_at=datetime.now(UTC)))
    unknown = await channel.send(message(mailbox="nobody"), lead())
    paused = await channel.send(message(mailbox="paused"), lead())
    unnamed = await channel.send(message(), lead())

    assert all((r.status, r.error_kind) == (SendStatus.FAILED, ErrorKind.TRANSIENT)
               for r in (unknown, paused, unnamed))
    assert "no mailbox named 'nobody'" in unknown.detail
    assert "'paused' is disabled or paused" in paused.detail
    assert "no enabled, unpaused mailbox" in unnamed.detail
    assert smtp_server.connections == 0


async def test_the_daily_cap_is_exposed_for_the_rate_limiter(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "a", daily_cap=30), mailbox(smtp_server, "b"))
    assert {m.name: m.daily_cap for m in channel.mailboxes} == {"a": 30, "b": 50}


async def test_mailbox_passwords_and_keys_stay_out_of_reprs(smtp_server: ScriptedSmtpServer) -> None:
    shown = repr(mailbox(smtp_server, smtp_username="u", smtp_password="hunter2"))
    assert "hunter2" not in shown and "'u'" in shown


# Managing the stored mailboxes (aicmo.cam.outreach.email.mailboxes and the operator functions).

PASSWORD = "hunter2-secret"
T = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)  # a fixed "now": rates count every later row, so none is later


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


@cache
def dkim_key() -> str:
    return pem(rsa.generate_private_key(public_exponent=65537, key_size=1024))


@cache
def small_dkim_key() -> str:
    """A 512-bit RSA key: cryptography will not generate one that small, but builds one from its numbers."""
    rng, e = random.Random(512), 65537

    def prime(bits: int) -> int:
        while True:
            n = rng.getrandbits(bits) | (1 << bits - 1) | 1
            if all(pow(base, n - 1, n) == 1 for base in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
                return n

    p, q = prime(256), prime(256)
    while p == q or math.gcd(e, (p - 1) * (q - 1)) != 1:
        p, q = prime(256), prime(256)
    d = pow(e, -1, (p - 1) * (q - 1))
    key = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                rsa.RSAPublicNumbers(e, p * q)).private_key()
    assert key.key_size == 512
    return pem(key)


def spec(name: str = "sales", **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": name, "from_address": f"{name}@seller.example",
                              "smtp_host": "smtp.seller.example"}
    fields.update(overrides)
    return fields


def stored(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(MailboxDB)) or 0


def test_a_mailbox_is_added_with_the_usual_defaults_and_shown_without_its_secrets(db: Session) -> None:
    added = ops.add_mailbox(db, MailboxCreate(**spec(
        from_address="Sales@Seller.Example", from_name="John Seller", reply_to="john@seller.example",
        smtp_username="john", smtp_password=PASSWORD, signature_text="John\nSeller Inc",
        dkim_domain="seller.example", dkim_selector="s1", dkim_private_key=dkim_key())))

    assert (added.name, added.from_address, added.from_name, added.reply_to) == (
        "sales", "sales@seller.example", "John Seller", "john@seller.example")
    assert (added.smtp_host, added.smtp_port, added.smtp_security) == ("smtp.seller.example", 587,
                                                                       SmtpSecurity.STARTTLS)
    assert (added.daily_cap, added.enabled, added.state, added.warmup_start, added.warmup_started_at) == (
        50, True, "active", None, None)
    assert (added.has_password, added.dkim, added.dkim_domain, added.dkim_selector) == (True, True,
                                                                                       "seller.example", "s1")
    assert not {"smtp_password", "dkim_private_key"} & set(MailboxRead.model_fields)
    for shown in (added.model_dump_json(), repr(added), str(ops.get_mailbox(db, "sales").model_dump())):
        assert PASSWORD not in shown and "PRIVATE KEY" not in shown
    assert PASSWORD not in repr(MailboxCreate(**spec(smtp_username="john", smtp_password=PASSWORD)))

    # The email channel reads it back whole: password, signature and DKIM key included.
    [channel_view] = load_mailboxes(db)
    assert channel_view.smtp_password == PASSWORD and channel_view.signature_text == "John\nSeller Inc"
    assert channel_view.dkim is not None and channel_view.dkim.private_key == dkim_key().strip()


@pytest.mark.parametrize(("security", "port", "expected"), [
    ("tls", None, 465), ("none", None, 25), ("starttls", None, 587), ("tls", 2465, 2465)])
def test_without_a_port_the_usual_one_for_the_security_is_taken(db: Session, security: str, port: int | None,
                                                                   expected: int) -> None:
    given: dict[str, Any] = {"smtp_security": security} | ({"smtp_port": port} if port else {})
    added = ops.add_mailbox(db, spec(**given))
    assert (added.smtp_security.value, added.smtp_port) == (security, expected)


def test_a_warm_up_given_at_creation_starts_then(db: Session) -> None:
    row = mailboxes.create_mailbox(db, spec(warmup_start=10, warmup_increment=5), now=T)
    db.commit()
    assert (row.warmup_start, row.warmup_increment, row.warmup_started_at) == (10, 5, T)


def test_mailboxes_are_listed_changed_paused_resumed_and_removed(db: Session) -> None:
    ops.add_mailbox(db, spec("sales", smtp_username="john", smtp_password=PASSWORD))
    ops.add_mailbox(db, spec("ops"))
    assert [m.name for m in ops.list_mailboxes(db)] == ["sales", "ops"]

    changed = ops.update_mailbox(db, "sales", MailboxUpdate(daily_cap=20, from_name="Jane Seller", reply_to=None))
    assert (changed.daily_cap, changed.from_name, changed.has_password, changed.smtp_username) == (
        20, "Jane Seller", True, "john")
    cleared = ops.update_mailbox(db, "sales", {"from_name": "", "smtp_password": None, "smtp_username": None})
    assert (cleared.from_name, cleared.has_password, cleared.smtp_username, cleared.daily_cap) == (
        None, False, None, 20)

    paused = ops.pause_mailbox(db, "sales", "bounce rate too high")
    assert (paused.state, paused.paused_reason) == ("paused", "bounce rate too high")
    assert paused.paused_at is not None
    again = ops.pause_mailbox(db, "sales")  # pausing again keeps the first pause and its reason
    assert (again.paused_at, again.paused_reason) == (paused.paused_at, "bounce rate too high")
    assert {m.name: m.available for m in load_mailboxes(db)} == {"sales": False, "ops": True}

    resumed = ops.resume_mailbox(db, "sales")
    assert (resumed.state, resumed.paused_at, resumed.paused_reason) == ("active", None, None)
    assert ops.update_mailbox(db, "sales", {"enabled": False}).state == "disabled"

    ops.remove_mailbox(db, "ops")
    assert [m.name for m in ops.list_mailboxes(db)] == ["sales"]
    with pytest.raises(MailboxNotFound, match="mailbox 'ops' not found"):
        ops.get_mailbox(db, "ops")


@pytest.mark.parametrize("call", ["get", "update", "pause", "resume", "remove", "health"])
def test_an_unknown_mailbox_is_reported_by_name(db: Session, call: str) -> None:
    calls: dict[str, Callable[[], object]] = {"get": lambda: ops.get_mailbox(db, "nobody"),
             "update": lambda: ops.update_mailbox(db, "nobody", {"daily_cap": 1}),
             "pause": lambda: ops.pause_mailbox(db, "nobody"), "resume": lambda: ops.resume_mailbox(db, "nobody"),
             "remove": lambda: ops.remove_mailbox(db, "nobody"), "health": lambda: ops.mailbox_health(db, "nobody")}
    with pytest.raises(MailboxNotFound) as caught:
        calls[call]()
    assert caught.value.name == "nobody"


@pytest.mark.parametrize("name", ["sales", "Sales"])
def test_a_name_taken_already_even_in_another_case_is_refused(db: Session, name: str) -> None:
    ops.add_mailbox(db, spec("sales"))
    with pytest.raises(DuplicateMailbox, match="a mailbox named .* already exists"):
        ops.add_mailbox(db, spec(name, from_address="other@seller.example"))
    db.rollback()
    assert stored(db) == 1


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "bad from address": ({"from_address": "sales.seller.example"}, "from_address"),
    "non-ASCII local part": ({"from_address": "jöhn@seller.example"}, "from_address"),
    "CR/LF in from_name": ({"from_name": "John\r\nBcc: victim@example.com"}, "from_name"),
    "LF in reply_to": ({"reply_to": "john@seller.example\nBcc: x@y.z"}, "reply_to"),
    "port 0": ({"smtp_port": 0}, "smtp_port"),
    "port 65536": ({"smtp_port": 65536}, "smtp_port"),
    "name with a space": ({"name": "my box"}, "name"),
    "name too long": ({"name": "x" * 101}, "name"),
    "empty name": ({"name": ""}, "name"),
    "host with a space": ({"smtp_host": "smtp seller.example"}, "smtp_host"),
    "negative daily cap": ({"daily_cap": -1}, "daily_cap"),
    "warm-up start only": ({"warmup_start": 10}, "warmup_increment"),
    "warm-up start 0": ({"warmup_start": 0, "warmup_increment": 5}, "warmup_start"),
    "negative warm-up increment": ({"warmup_start": 5, "warmup_increment": -1}, "warmup_increment"),
    "password without user": ({"smtp_password": PASSWORD}, "smtp_username"),
    "CR in password": ({"smtp_username": "john", "smtp_password": "pw\r\nQUIT"}, "smtp_password"),
    "DKIM without key": ({"dkim_domain": "seller.example", "dkim_selector": "s1"}, "dkim_private_key"),
    "DKIM key too small": ({"dkim_domain": "seller.example", "dkim_selector": "s1",
                            "dkim_private_key": "small"}, "dkim_private_key"),
    "DKIM key unreadable": ({"dkim_domain": "seller.example", "dkim_selector": "s1",
                             "dkim_private_key": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"},
                            "dkim_private_key"),
    "unknown field": ({"smtp_pasword": PASSWORD}, "smtp_pasword"),
    "unknown security": ({"smtp_security": "ssl"}, "smtp_security"),
}


def invalid(case: str) -> tuple[dict[str, Any], str]:
    overrides, field = INVALID[case]
    if overrides.get("dkim_private_key") == "small":
        overrides = overrides | {"dkim_private_key": small_dkim_key()}
    return spec(**overrides), field


@pytest.mark.parametrize("case", INVALID)
def test_the_schema_refuses_an_invalid_mailbox_naming_the_field(case: str) -> None:
    data, field = invalid(case)
    with pytest.raises(ValidationError) as caught:
        MailboxCreate(**data)
    refusal = mailboxes.invalid_mailbox(caught.value)
    assert refusal.field == field, str(refusal)
    assert str(refusal).startswith(f"{field}: ") and PASSWORD not in str(refusal)


def test_adding_an_invalid_mailbox_stores_nothing_and_names_the_field(db: Session) -> None:
    for case in INVALID:
        data, field = invalid(case)
        with pytest.raises(InvalidMailbox) as caught:
            ops.add_mailbox(db, data)
        assert caught.value.field == field, (case, str(caught.value))
    assert stored(db) == 0


def test_a_dkim_key_too_small_says_how_many_bits_it_has(db: Session) -> None:
    with pytest.raises(InvalidMailbox, match=r"dkim_private_key: the key has 512 bits; DKIM keys need at least 1024"):
        ops.add_mailbox(db, spec(dkim_domain="seller.example", dkim_selector="s1",
                                 dkim_private_key=small_dkim_key()))


def test_a_change_is_checked_against_the_whole_mailbox(db: Session) -> None:
    ops.add_mailbox(db, spec(dkim_domain="seller.example", dkim_selector="s1", dkim_private_key=dkim_key()))
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"from_address": None}, "from_address"), ({"smtp_port": 0}, "smtp_port"),
        ({"warmup_start": 10}, "warmup_increment"), ({"dkim_private_key": None}, "dkim_private_key"),
        ({"dkim_private_key": small_dkim_key()}, "dkim_private_key"),
        ({"from_name": "a\nb"}, "from_name"), ({"name": "renamed"}, "name")]
    for changes, field in refusals:
        with pytest.raises(InvalidMailbox) as caught:
            ops.update_mailbox(db, "sales", changes)
        assert caught.value.field == field, (changes, str(caught.value))
    db.rollback()
    unchanged = ops.get_mailbox(db, "sales")
    assert (unchanged.dkim, unchanged.smtp_port, unchanged.from_address) == (True, 587, "sales@seller.example")
    assert ops.update_mailbox(db, "sales", {"dkim_domain": None, "dkim_selector": None,
                                            "dkim_private_key": None}).dkim is False


def test_a_new_security_moves_a_usual_port_along_but_keeps_a_chosen_one(db: Session) -> None:
    ops.add_mailbox(db, spec("usual"))
    ops.add_mailbox(db, spec("chosen", smtp_port=2525))
    assert ops.update_mailbox(db, "usual", {"smtp_security": "tls"}).smtp_port == 465
    assert ops.update_mailbox(db, "chosen", {"smtp_security": "tls"}).smtp_port == 2525
    assert ops.update_mailbox(db, "usual", {"smtp_security": "none", "smtp_port": 2526}).smtp_port == 2526


def test_a_warm_up_added_later_starts_then_and_removing_it_forgets_its_start(db: Session) -> None:
    ops.add_mailbox(db, spec())
    row = mailboxes.update_mailbox(db, "sales", {"warmup_start": 5, "warmup_increment": 5}, now=T)
    assert row.warmup_started_at == T
    row = mailboxes.update_mailbox(db, "sales", {"warmup_increment": 10}, now=T + timedelta(days=3))
    assert (row.warmup_increment, row.warmup_started_at) == (10, T)  # a changed ramp keeps its start
    row = mailboxes.update_mailbox(db, "sales", {"warmup_start": None, "warmup_increment": None})
    assert (row.warmup_start, row.warmup_started_at) == (None, None)


def attempt(db: Session, lead_id: int, mailbox_id: int, when: datetime, status: SendStatus = SendStatus.SENT,
            channel: Channel = Channel.EMAIL) -> None:
    db.add(OutreachAttemptDB(lead_id=lead_id, channel=channel, mailbox_id=mailbox_id, status=status,
                             target="jane@acme.io", started_at=when))


def event(db: Session, lead_id: int, mailbox_id: int, kind: EventKind, when: datetime) -> None:
    db.add(DeliveryEventDB(kind=kind, lead_id=lead_id, mailbox_id=mailbox_id, occurred_at=when))


def test_health_counts_todays_sends_and_the_bounce_and_complaint_rates(db: Session) -> None:
    lead_id = ops.create_lead(db, LeadCreate(**make_lead())).id
    sales = mailboxes.create_mailbox(db, spec("sales", warmup_start=10, warmup_increment=5), now=T - timedelta(days=2))
    other = mailboxes.create_mailbox(db, spec("other"))
    hour, midnight = timedelta(hours=1), T.replace(hour=0)
    for _ in range(3):
        attempt(db, lead_id, sales.id, T - hour)  # sent today
    attempt(db, lead_id, sales.id, T - 2 * hour, SendStatus.FAILED)  # tried today, not sent
    attempt(db, lead_id, sales.id, midnight - hour)  # sent yesterday, within the last 24 hours
    attempt(db, lead_id, sales.id, T - hour, channel=Channel.LINKEDIN)  # not email
    attempt(db, lead_id, sales.id, T - 30 * hour)  # outside the window
    attempt(db, lead_id, other.id, T - hour)  # another mailbox's
    for kind, ago in ((EventKind.HARD_BOUNCE, 1), (EventKind.HARD_BOUNCE, 5), (EventKind.HARD_BOUNCE, 30),
                      (EventKind.SOFT_BOUNCE, 1), (EventKind.COMPLAINT, 1)):
        event(db, lead_id, sales.id, kind, T - ago * hour)
    event(db, lead_id, other.id, EventKind.COMPLAINT, T - hour)
    mailboxes.pause_mailbox(db, "sales", "looking into bounces", T)
    db.commit()

    day = ops.mailbox_health(db, "sales", now=T)
    # 4 emails sent in the last 24 hours (the failed attempt is no send), 3 of them today; 2 hard bounces and
    # 1 complaint in that time.
    assert (day.sent_today, day.daily_cap, day.cap_today, day.window_hours) == (3, 50, 20, 24)
    assert day.hard_bounce_rate == pytest.approx(2 / 4) and day.complaint_rate == pytest.approx(1 / 4)
    assert (day.paused, day.state, day.paused_at, day.paused_reason) == (True, "paused", T, "looking into bounces")

    six_hours = ops.mailbox_health(db, "sales", timedelta(hours=6), now=T)  # 3 sends, 2 bounces, 1 complaint
    assert six_hours.sent_today == 3
    assert six_hours.hard_bounce_rate == pytest.approx(2 / 3) and six_hours.complaint_rate == pytest.approx(1 / 3)

    ops.update_mailbox(db, "other", {"enabled": False})
    other_health = ops.mailbox_health(db, "other", now=T)
    assert (other_health.sent_today, other_health.cap_today, other_health.hard_bounce_rate,
            other_health.complaint_rate, other_health.paused, other_health.state) == (1, 50, 0.0, 1.0, False,
                                                                                    "disabled")
    assert ops.mailbox_health(db, "other", now=T).model_dump(mode="json")["state"] == "disabled"


def test_removing_a_mailbox_keeps_its_history_without_it(db: Session) -> None:
    lead_id = ops.create_lead(db, LeadCreate(**make_lead())).id
    sales = mailboxes.create_mailbox(db, spec())
    attempt(db, lead_id, sales.id, T)
    event(db, lead_id, sales.id, EventKind.HARD_BOUNCE, T)
    db.commit()

    ops.remove_mailbox(db, "sales")
    db.expire_all()
    assert stored(db) == 0
    assert db.scalars(select(OutreachAttemptDB.mailbox_id)).all() == [None]
    assert db.scalars(select(DeliveryEventDB.mailbox_id)).all() == [None]
