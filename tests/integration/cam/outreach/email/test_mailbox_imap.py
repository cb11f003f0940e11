"""A sender mailbox's IMAP settings, where its replies and bounces are read: what is accepted, the defaults, the
password rules, and changing them on SQLite and PostgreSQL."""

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.inbox.imap import ImapSettings
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email import mailboxes
from aicmo.cam.outreach.email.mailbox_schemas import MailboxCreate, MailboxRead, MailboxUpdate
from aicmo.cam.outreach.email.mailboxes import InvalidMailbox

PASSWORD = "imap-secret-Pw9"
IMAP = {"imap_host": "imap.seller.example"}


def spec(**overrides: Any) -> dict[str, Any]:
    return {"name": "sales", "from_address": "sales@seller.example", "smtp_host": "smtp.seller.example"} | overrides


def test_without_an_imap_host_the_mailbox_has_no_inbox_and_no_imap_port() -> None:
    created = MailboxCreate(**spec())
    assert (created.imap_host, created.imap_port, created.imap_security, created.imap_folder,
            created.bounce_folder) == (None, None, SmtpSecurity.TLS, "INBOX", None)


@pytest.mark.parametrize(("security", "port", "expected"), [
    (None, None, 993), ("tls", None, 993), ("starttls", None, 143), ("none", None, 143), ("tls", 1993, 1993)])
def test_without_a_port_the_usual_imap_port_for_the_security_is_taken(security: str | None, port: int | None,
                                                                       expected: int) -> None:
    given = IMAP | ({"imap_security": security} if security else {}) | ({"imap_port": port} if port else {})
    assert MailboxCreate(**spec(**given)).imap_port == expected


@pytest.mark.parametrize(("given", "expected"), [
    ({"imap_host": " IMAP.Seller.Example "}, {"imap_host": "imap.seller.example"}),
    ({"imap_host": "[192.0.2.7]"}, {"imap_host": "192.0.2.7"}),
    ({"imap_host": "mail.bücher.example"}, {"imap_host": "mail.xn--bcher-kva.example"}),
    (IMAP | {"imap_folder": " Support "}, {"imap_folder": "Support"}),
    (IMAP | {"imap_folder": "INBOX/Sales", "bounce_folder": "Rückläufer"},
     {"imap_folder": "INBOX/Sales", "bounce_folder": "Rückläufer"}),
    (IMAP | {"bounce_folder": "  "}, {"bounce_folder": None}),
    (IMAP | {"imap_username": " box@seller.example ", "imap_password": " pw with spaces "},
     {"imap_username": "box@seller.example", "imap_password": " pw with spaces "}),
])
def test_good_imap_settings_are_accepted_and_tidied(given: dict[str, Any], expected: dict[str, Any]) -> None:
    created = MailboxCreate(**spec(**given))
    assert {name: getattr(created, name) for name in expected} == expected


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "host with a space": ({"imap_host": "imap seller.example"}, "imap_host"),
    "host with a line break": ({"imap_host": "imap.seller.example\r\nx"}, "imap_host"),
    "port 0": (IMAP | {"imap_port": 0}, "imap_port"),
    "port 65536": (IMAP | {"imap_port": 65536}, "imap_port"),
    "unknown security": (IMAP | {"imap_security": "ssl"}, "imap_security"),
    "empty folder": (IMAP | {"imap_folder": ""}, "imap_folder"),
    "blank folder": (IMAP | {"imap_folder": "   "}, "imap_folder"),
    "LF in folder": (IMAP | {"imap_folder": "INBOX\nA001 LOGOUT"}, "imap_folder"),
    "CR in bounce folder": (IMAP | {"bounce_folder": "Bounces\r"}, "bounce_folder"),
    "folder too long": (IMAP | {"imap_folder": "f" * 201}, "imap_folder"),
    "CR in password": (IMAP | {"imap_username": "box", "imap_password": "pw\r\nA1 LOGOUT"}, "imap_password"),
    "port without a host": ({"imap_port": 993}, "imap_host"),
    "user name without a host": ({"imap_username": "box"}, "imap_host"),
    "bounce folder without a host": ({"bounce_folder": "Bounces"}, "imap_host"),
    "password without any user name": (IMAP | {"imap_password": PASSWORD}, "imap_username"),
    "bounces moved into the folder read": (IMAP | {"bounce_folder": "inbox"}, "bounce_folder"),
    "bounces moved into the chosen folder": (IMAP | {"imap_folder": "Sales", "bounce_folder": "Sales"},
                                             "bounce_folder"),
    "unknown field": ({"imap_pasword": PASSWORD}, "imap_pasword"),
}


@pytest.mark.parametrize("case", INVALID)
def test_the_schema_refuses_bad_imap_settings_naming_the_field(case: str) -> None:
    given, field = INVALID[case]
    with pytest.raises(ValidationError) as caught:
        MailboxCreate(**spec(**given))
    refusal = mailboxes.invalid_mailbox(caught.value)
    assert refusal.field == field, str(refusal)
    assert PASSWORD not in str(refusal)


@pytest.mark.parametrize("login", [{"imap_username": "box@seller.example"}, {"smtp_username": "john"}])
def test_an_imap_password_needs_a_user_name_its_own_or_the_smtp_one(login: dict[str, str]) -> None:
    assert MailboxCreate(**spec(**IMAP, **login, imap_password=PASSWORD)).imap_password == PASSWORD


def test_the_imap_password_is_never_shown(db: Session) -> None:
    created = MailboxCreate(**spec(**IMAP, imap_username="box", imap_password=PASSWORD))
    assert PASSWORD not in repr(created) and PASSWORD not in repr(MailboxUpdate(imap_password=PASSWORD))
    added = ops.add_mailbox(db, created)
    assert (added.has_imap_password, added.has_password) == (True, False)
    assert not {"imap_password", "smtp_password"} & set(MailboxRead.model_fields)
    for shown in (added.model_dump_json(), repr(added), str(ops.list_mailboxes(db))):
        assert PASSWORD not in shown
    assert MailboxRead.model_validate(added.model_dump(mode="json")) == added


def test_the_inbox_login_defaults_to_the_smtp_one(db: Session) -> None:
    """The documented rule, as the IMAP reader applies it to what was stored."""
    mailboxes.create_mailbox(db, spec(name="shared", smtp_username="john", smtp_password="smtp-pw", **IMAP))
    mailboxes.create_mailbox(db, spec(name="own", from_address="own@seller.example", smtp_username="john",
                                      smtp_password="smtp-pw", imap_username="box", imap_password=PASSWORD,
                                      imap_host="imap.seller.example", imap_security="starttls",
                                      imap_folder="Sales"))
    db.commit()
    shared = ImapSettings.for_mailbox(mailboxes.get_mailbox(db, "shared"), 5.0)
    own = ImapSettings.for_mailbox(mailboxes.get_mailbox(db, "own"), 5.0)
    assert shared is not None and own is not None
    assert (shared.host, shared.port, shared.security, shared.username, shared.password, shared.folder) == (
        "imap.seller.example", 993, SmtpSecurity.TLS, "john", "smtp-pw", "INBOX")
    assert (own.port, own.security, own.username, own.password, own.folder) == (
        143, SmtpSecurity.STARTTLS, "box", PASSWORD, "Sales")


def test_imap_settings_are_added_later_changed_and_removed(db: Session) -> None:
    ops.add_mailbox(db, spec(smtp_username="john"))
    added = ops.update_mailbox(db, "sales", IMAP | {"bounce_folder": "Bounces", "imap_password": PASSWORD})
    assert (added.imap_host, added.imap_port, added.imap_security, added.imap_folder, added.bounce_folder,
            added.has_imap_password) == ("imap.seller.example", 993, SmtpSecurity.TLS, "INBOX", "Bounces", True)
    assert ops.update_mailbox(db, "sales", {"imap_security": "starttls"}).imap_port == 143  # a usual port follows
    assert ops.update_mailbox(db, "sales", {"imap_port": 1143}).imap_port == 1143
    assert ops.update_mailbox(db, "sales", {"imap_security": "tls"}).imap_port == 1143  # a chosen one stays
    assert ops.update_mailbox(db, "sales", {"imap_folder": "Sales"}).imap_folder == "Sales"

    cleared = ops.update_mailbox(db, "sales", {"imap_host": None, "imap_password": None, "bounce_folder": ""})
    assert (cleared.imap_host, cleared.imap_port, cleared.has_imap_password, cleared.bounce_folder) == (
        None, None, False, None)  # the port went with its server
    assert (cleared.smtp_username, cleared.imap_folder) == ("john", "Sales")


def test_a_change_to_the_imap_settings_is_checked_against_the_whole_mailbox(db: Session) -> None:
    ops.add_mailbox(db, spec(smtp_username="john", smtp_password="smtp-pw", imap_password=PASSWORD,
                             bounce_folder="Bounces", **IMAP))
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"imap_host": None}, "imap_host"),  # the password and bounce folder would be left without a server
        ({"imap_folder": None}, "imap_folder"), ({"imap_folder": " "}, "imap_folder"),
        ({"imap_security": None}, "imap_security"), ({"imap_port": 0}, "imap_port"),
        ({"smtp_username": None, "smtp_password": None}, "imap_username"),  # the IMAP password's user name
        ({"imap_folder": "Bounces"}, "bounce_folder"), ({"bounce_folder": "INBOX"}, "bounce_folder")]
    for changes, field in refusals:
        with pytest.raises(InvalidMailbox) as caught:
            ops.update_mailbox(db, "sales", changes)
        assert caught.value.field == field, (changes, str(caught.value))
    db.rollback()
    unchanged = ops.get_mailbox(db, "sales")
    assert (unchanged.imap_host, unchanged.imap_folder, unchanged.bounce_folder, unchanged.has_imap_password) == (
        "imap.seller.example", "INBOX", "Bounces", True)
    assert ops.update_mailbox(db, "sales", {"imap_username": "box", "smtp_username": None,
                                            "smtp_password": None}).imap_username == "box"
