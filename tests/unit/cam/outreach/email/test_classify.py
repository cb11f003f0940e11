"""The SMTP reply table: what each reply, in each phase, means for the lead and for the mailbox."""

import pytest

from aicmo.cam.outreach.domain import ErrorKind, EventKind, SendStatus
from aicmo.cam.outreach.email.classify import (
    NetworkFailure,
    SmtpPhase,
    SmtpReply,
    classify,
    enhanced_status,
    event_outcome,
)

CONNECT, STARTTLS, AUTH, MAIL, RCPT, DATA = (SmtpPhase.CONNECT, SmtpPhase.STARTTLS, SmtpPhase.AUTH, SmtpPhase.MAIL,
                                             SmtpPhase.RCPT, SmtpPhase.DATA)
SENT, FAILED = SendStatus.SENT, SendStatus.FAILED
TRANSIENT, CHANNEL_FAILED, REFUSED = ErrorKind.TRANSIENT, ErrorKind.CHANNEL_FAILED, ErrorKind.MAILBOX_REFUSED
HARD, SOFT, POLICY = EventKind.HARD_BOUNCE, EventKind.SOFT_BOUNCE, EventKind.POLICY_REJECTION

TABLE = [
    # phase, code, text -> status, error kind, event
    (DATA, 250, "2.0.0 Ok: queued as 4F2A1", SENT, None, None),
    (DATA, 251, "User not local; will forward", SENT, None, None),
    (RCPT, 421, "4.4.2 Service shutting down", FAILED, TRANSIENT, None),
    (RCPT, 450, "4.2.1 Mailbox busy", FAILED, TRANSIENT, None),
    (RCPT, 451, "4.7.1 Greylisted, please try again later", FAILED, TRANSIENT, None),
    (RCPT, 452, "4.5.3 Too many recipients", FAILED, TRANSIENT, None),
    (RCPT, 452, "4.2.2 Mailbox full", FAILED, TRANSIENT, SOFT),
    (MAIL, 451, "4.3.0 Local error", FAILED, TRANSIENT, None),
    (RCPT, 550, "5.1.1 User unknown", FAILED, CHANNEL_FAILED, HARD),
    (RCPT, 550, "No such user here", FAILED, CHANNEL_FAILED, HARD),
    (RCPT, 551, "User not local", FAILED, CHANNEL_FAILED, HARD),
    (RCPT, 553, "5.1.3 Bad recipient address syntax", FAILED, CHANNEL_FAILED, HARD),
    (RCPT, 554, "5.1.2 Bad destination system address", FAILED, CHANNEL_FAILED, HARD),
    (DATA, 550, "5.1.1 Mailbox does not exist", FAILED, CHANNEL_FAILED, HARD),
    (RCPT, 550, "5.2.1 Mailbox disabled", FAILED, CHANNEL_FAILED, HARD),
    (DATA, 550, "Message refused", FAILED, CHANNEL_FAILED, None),
    (DATA, 554, "5.7.1 Message rejected as spam", FAILED, REFUSED, POLICY),
    (DATA, 550, "5.7.1 Rejected by DMARC policy", FAILED, REFUSED, POLICY),
    (RCPT, 550, "5.7.1 Relaying denied", FAILED, REFUSED, POLICY),
    (MAIL, 554, "5.7.1 Sender blocked", FAILED, REFUSED, POLICY),
    (DATA, 552, "5.2.2 Mailbox full", FAILED, TRANSIENT, SOFT),
    (RCPT, 552, "Requested mail action aborted: exceeded storage allocation", FAILED, TRANSIENT, SOFT),
    (DATA, 552, "5.3.4 Message size exceeds fixed limit", FAILED, CHANNEL_FAILED, None),
    (DATA, 554, "Transaction failed", FAILED, CHANNEL_FAILED, None),
    (DATA, 501, "5.5.4 Syntax error", FAILED, CHANNEL_FAILED, None),
    (MAIL, 553, "5.1.8 Sender address rejected", FAILED, TRANSIENT, None),
    (MAIL, 550, "Sender not allowed", FAILED, TRANSIENT, None),
    (CONNECT, 554, "No SMTP service here", FAILED, TRANSIENT, None),
    (AUTH, 535, "5.7.8 Authentication credentials invalid", FAILED, TRANSIENT, None),
    (MAIL, 530, "5.7.0 Authentication required", FAILED, TRANSIENT, None),
]


@pytest.mark.parametrize(("phase", "code", "text", "status", "kind", "event"), TABLE)
def test_smtp_replies_map_to_the_outcome_in_the_table(phase: SmtpPhase, code: int, text: str, status: SendStatus,
                                                      kind: ErrorKind | None, event: EventKind | None) -> None:
    outcome = classify(SmtpReply(phase, code, text), "sales")
    assert (outcome.status, outcome.error_kind, outcome.event) == (status, kind, event)
    assert str(code) in outcome.detail and phase.upper() in outcome.detail


@pytest.mark.parametrize("phase", list(SmtpPhase))
@pytest.mark.parametrize("failure", list(NetworkFailure))
def test_network_failures_are_transient_in_every_phase(phase: SmtpPhase, failure: NetworkFailure) -> None:
    outcome = classify(SmtpReply(phase, text="boom", failure=failure), "sales")
    assert (outcome.status, outcome.error_kind, outcome.event) == (FAILED, TRANSIENT, None)
    assert str(failure) in outcome.detail and "boom" in outcome.detail


def test_no_answer_once_the_whole_message_was_sent_leaves_it_in_doubt() -> None:
    for failure in (NetworkFailure.DISCONNECTED, NetworkFailure.TIMEOUT):
        outcome = classify(SmtpReply(DATA, failure=failure, in_doubt=True), "sales")
        assert (outcome.status, outcome.error_kind) == (FAILED, ErrorKind.IN_DOUBT)
        assert "may have accepted" in outcome.detail and "not re-sent" in outcome.detail
    assert "may have" not in classify(SmtpReply(RCPT, failure=NetworkFailure.DISCONNECTED), "sales").detail
    assert classify(SmtpReply(DATA, failure=NetworkFailure.TIMEOUT), "sales").error_kind is TRANSIENT


def test_an_authentication_failure_blames_the_mailbox_credentials() -> None:
    outcome = classify(SmtpReply(AUTH, 535, "5.7.8 Authentication credentials invalid"), "sales")
    assert "mailbox 'sales'" in outcome.detail and "username and password" in outcome.detail


def test_a_policy_rejection_names_the_mailbox_it_counts_against() -> None:
    assert "mailbox 'outbound-2'" in classify(SmtpReply(DATA, 554, "5.7.1 spam"), "outbound-2").detail


@pytest.mark.parametrize(("text", "status"), [("5.1.1 User unknown", "5.1.1"), ("  4.7.1 Greylisted", "4.7.1"),
                                              ("5.7.26 DMARC", "5.7.26"), ("User unknown", None),
                                              ("5.1 short", None), ("3.1.1 not a status class", None)])
def test_enhanced_status_codes_are_read_from_the_start_of_the_reply(text: str, status: str | None) -> None:
    assert enhanced_status(text) == status


@pytest.mark.parametrize(("event", "status", "kind"), [
    (EventKind.DELIVERED, SENT, None), (EventKind.REPLY, SENT, None), (EventKind.HARD_BOUNCE, FAILED, CHANNEL_FAILED),
    (EventKind.SOFT_BOUNCE, FAILED, TRANSIENT), (EventKind.POLICY_REJECTION, FAILED, REFUSED),
    (EventKind.COMPLAINT, FAILED, ErrorKind.FATAL), (EventKind.UNSUBSCRIBE, FAILED, ErrorKind.FATAL)])
def test_later_events_say_whether_a_sent_message_still_stands(event: EventKind, status: SendStatus,
                                                              kind: ErrorKind | None) -> None:
    assert event_outcome(event) == (status, kind)
