"""Incoming mail, classified: real-shaped bounces, complaints, auto-replies, replies and list mail, and input
that is no mail at all."""

import random
from datetime import date
from pathlib import Path

import pytest

from aicmo.cam.inbox.classify import classify
from aicmo.cam.inbox.events import InboundKind

FIXTURES = Path(__file__).parent / "fixtures"
BOUNCE, COMPLAINT, AUTO, REPLY, UNSUB, NONE = (InboundKind.BOUNCE, InboundKind.COMPLAINT, InboundKind.AUTO_REPLY,
                                               InboundKind.REPLY, InboundKind.UNSUBSCRIBE, InboundKind.UNMATCHED)


def ours(suffix: str) -> str:
    return f"0b9c4f8e-1a2b-4c3d-8e9f-0a1b2c3d4e{suffix}@seller.example"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


TABLE = [
    # file, kind, hard, status, address, references, return date, in text, not in text
    ("gmail_dsn_5_1_1.eml", BOUNCE, True, "5.1.1", "nobody@buyer.example", (ours("01"),), None, None, None),
    ("outlook_ndr_5_1_10.eml", BOUNCE, True, "5.1.10", "jane.doe@contoso.com", (ours("02"),), None, None, None),
    ("postfix_dsn_5_1_1.eml", BOUNCE, True, "5.1.1", "carol@example.org", (ours("03"), ours("f0")), None, None,
     None),
    ("postfix_dsn_delayed_4_4_1.eml", BOUNCE, False, "4.4.1", "dave@slow.example", (ours("04"),), None, None, None),
    ("exim_plain_bounce.eml", BOUNCE, True, "5.1.1", "erin@gone.example", (ours("05"),), None, None, None),
    ("yahoo_arf_complaint.eml", COMPLAINT, None, None, "frank.buyer@yahoo.com", (ours("06"),), None, None, None),
    ("ooo_english.eml", AUTO, None, None, "gina@buyer.example", (ours("07"),), date(2025, 12, 2), "out of the office",
     None),
    ("ooo_german.eml", AUTO, None, None, "j.mueller@kunde.example", (ours("08"),), date(2025, 12, 3), "nicht im Büro",
     None),
    ("ooo_french.eml", AUTO, None, None, "claire.dubois@client.example", (ours("09"),), date(2025, 12, 4),
     "jusqu'au 4 décembre", None),
    ("ooo_spanish.eml", AUTO, None, None, "lucia.garcia@cliente.example", (ours("10"),), date(2025, 12, 5),
     "fuera de la oficina", None),
    ("reply_gmail_quoting.eml", REPLY, None, None, "bob@buyer.example", (ours("11"), ours("10")), None,
     "pricing for a team of 12?\n\nBest,\nBob", "wrote"),
    ("reply_outlook_quoting.eml", REPLY, None, None, "ivan.petrov@fabrikam.example", (ours("12"),), None,
     "check back with me in February?", "Fabrikam is hiring"),
    ("reply_german.eml", REPLY, None, None, "k.schmidt@firma.example", (ours("13"),), None,
     "Donnerstag um 14 Uhr telefonieren?", "schrieb"),
    ("unsubscribe_reply.eml", UNSUB, None, None, "mark@prospect.example", (ours("14"),), None,
     "Please remove me from your list.", "iPhone"),
    ("unsubscribe_reply_german.eml", UNSUB, None, None, "t.weber@mittelstand.example", (ours("15"),), None,
     "bitte tragen Sie mich aus Ihrem Verteiler aus", "Vertriebsmitarbeiter"),
    ("newsletter.eml", NONE, None, None, "hello@saasgrowth.example", (), None, None, None),
    ("newsletter_with_re_subject_bulk.eml", NONE, None, None, "tom@leadgen-tools.example", (), None, None, None),
    ("garbage.bin", NONE, None, None, None, (), None, None, None),
]


@pytest.mark.parametrize(("name", "kind", "hard", "status", "address", "references", "returns", "excerpt", "absent"),
                         TABLE, ids=[row[0] for row in TABLE])
def test_each_real_shaped_message_is_classified_as_what_it_is(
        name: str, kind: InboundKind, hard: bool | None, status: str | None, address: str | None,
        references: tuple[str, ...], returns: date | None, excerpt: str | None, absent: str | None) -> None:
    event = classify(fixture(name))
    assert (event.kind, event.hard, event.status_code, event.address) == (kind, hard, status, address)
    assert event.references == references
    assert event.return_date == returns
    assert event.detail
    if excerpt is not None:
        assert event.text is not None and excerpt in event.text
    if absent is not None:
        assert event.text is not None and absent not in event.text


def test_every_mail_fixture_reports_its_own_message_id_without_brackets_and_its_subject() -> None:
    for path in sorted(FIXTURES.glob("*.eml")):
        event = classify(path.read_bytes())
        assert event.rfc_message_id and "<" not in event.rfc_message_id and "@" in event.rfc_message_id, path.name
        assert event.subject, path.name


def test_the_detail_says_why_in_the_operators_words() -> None:
    assert classify(fixture("gmail_dsn_5_1_1.eml")).detail == "DSN 5.1.1 for nobody@buyer.example"
    assert classify(fixture("ooo_english.eml")).detail == "Auto-Submitted: auto-replied"
    assert classify(fixture("ooo_spanish.eml")).detail == "Precedence: auto_reply"
    assert classify(fixture("garbage.bin")).detail == "not an email message: no mail headers"


def test_a_bounce_diagnostic_keeps_the_servers_reply_once() -> None:
    diagnostic = classify(fixture("gmail_dsn_5_1_1.eml")).diagnostic
    assert diagnostic is not None and diagnostic.startswith("550 5.1.1 The email account that you tried to reach")
    assert "550-5.1.1" not in diagnostic


def test_a_qmail_bounce_in_prose_names_the_failed_recipient_and_the_original() -> None:
    raw = (b"Return-Path: <>\nDate: 5 Dec 2025 10:00:00 -0000\nFrom: MAILER-DAEMON@mail.oldhost.example\n"
           b"To: alice@seller.example\nSubject: failure notice\nMessage-ID: <1234.qmail@mail.oldhost.example>\n\n"
           b"Hi. This is the qmail-send program at mail.oldhost.example.\n"
           b"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
           b"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
           b"<Greg@OldHost.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
           b"--- Below this line is a copy of the message.\n\nReturn-Path: <alice@seller.example>\n"
           b"Message-ID: <" + ours("99").encode() + b">\nTo: greg@oldhost.example\nSubject: Hi\n\nHi Greg\n")
    event = classify(raw)
    assert (event.kind, event.address, event.hard, event.status_code) == (BOUNCE, "greg@oldhost.example", True, "5.1.1")
    assert event.references == (ours("99"),)


def test_a_generic_dsn_status_gives_way_to_the_precise_code_in_the_servers_reply() -> None:
    raw = fixture("postfix_dsn_5_1_1.eml").replace(b"Status: 5.1.1", b"Status: 5.0.0")
    assert classify(raw).status_code == "5.1.1"


def test_an_internationalised_dsn_is_read_like_a_plain_one() -> None:
    raw = fixture("postfix_dsn_5_1_1.eml").replace(b"message/delivery-status", b"message/global-delivery-status")
    event = classify(raw)
    assert (event.kind, event.address, event.status_code, event.detail) == (
        BOUNCE, "carol@example.org", "5.1.1", "DSN 5.1.1 for carol@example.org")


def test_a_success_dsn_is_a_delivery_not_a_bounce() -> None:
    raw = fixture("postfix_dsn_5_1_1.eml").replace(b"Action: failed", b"Action: delivered").replace(
        b"Status: 5.1.1", b"Status: 2.0.0")
    event = classify(raw)
    assert (event.kind, event.address, event.references[0]) == (InboundKind.DELIVERED, "carol@example.org", ours("03"))


def test_a_complaint_with_a_redacted_recipient_names_the_recipient_of_the_enclosed_original() -> None:
    raw = fixture("yahoo_arf_complaint.eml").replace(b"Original-Rcpt-To: Frank.Buyer@yahoo.com\n", b"")
    event = classify(raw)
    assert (event.kind, event.address, event.references) == (COMPLAINT, "frank.buyer@yahoo.com", (ours("06"),))


def test_a_feedback_report_that_is_no_complaint_is_left_alone() -> None:
    raw = fixture("yahoo_arf_complaint.eml").replace(b"Feedback-Type: abuse", b"Feedback-Type: auth-failure")
    event = classify(raw)
    assert (event.kind, event.detail) == (NONE, "ARF auth-failure report for frank.buyer@yahoo.com")


def _mail(*headers: str, body: str = "Sounds good, let's talk on Thursday.") -> bytes:
    base = ("From: Pat Lead <pat@lead.example>", "To: alice@seller.example", "Date: Mon, 1 Dec 2025 10:00:00 +0000",
            "Message-ID: <m1@lead.example>")
    return ("\n".join((*base, *headers)) + "\n\n" + body + "\n").encode()


def test_a_reply_subject_alone_makes_a_reply_with_no_references() -> None:
    event = classify(_mail("Subject: Antw: Quick question"))
    assert (event.kind, event.references, event.detail) == (REPLY, (), "reply (reply subject) from pat@lead.example")


def test_mail_without_reply_headers_or_reply_subject_is_not_taken_for_a_reply() -> None:
    assert classify(_mail("Subject: Quick question")).kind == NONE


def test_a_list_unsubscribe_mailto_request_is_an_unsubscribe_without_being_a_reply() -> None:
    event = classify(_mail("Subject: unsubscribe", body="This message was automatically generated by Gmail."))
    assert (event.kind, event.address) == (UNSUB, "pat@lead.example")


def test_a_long_reply_that_mentions_unsubscribing_in_passing_stays_a_reply() -> None:
    body = ("Hi Alice, thanks for the note. Funny timing: I just spent the morning trying to unsubscribe from a dozen "
            "vendor newsletters, so I appreciate that yours was actually relevant. We are reworking our outbound "
            "process in January and I would like to understand how your tool handles list building and enrichment "
            "for the DACH region. Could you send a short overview and two customer references?")
    assert classify(_mail("Subject: Re: Quick question", "In-Reply-To: <" + ours("20") + ">", body=body)).kind == REPLY


def test_auto_submitted_no_is_a_person() -> None:
    event = classify(_mail("Subject: Re: Quick question", "Auto-Submitted: no", "In-Reply-To: <x@seller.example>"))
    assert event.kind == REPLY


def test_an_auto_generated_message_is_automatic_even_without_reply_headers() -> None:
    # A help desk's acknowledgement answers our mail without saying so; it must never stop a sequence as a reply.
    raw = _mail("Subject: Your ticket #4411 was updated", "Auto-Submitted: auto-generated", body="Status: closed")
    assert classify(raw).kind == AUTO
    borrowed = _mail("Subject: Re: Quick question", "Auto-Submitted: auto-generated", body="We received your request.")
    assert classify(borrowed).kind == AUTO


def test_bulk_precedence_makes_an_auto_reply_only_with_out_of_office_wording() -> None:
    headers = ("Subject: Re: Quick question", "Precedence: bulk", "In-Reply-To: <" + ours("21") + ">")
    away = classify(_mail(*headers, body="I am on vacation and back on 8 December."))
    assert (away.kind, away.return_date) == (AUTO, date(2025, 12, 8))
    assert classify(_mail(*headers)).kind == REPLY


def test_an_auto_reply_that_also_quotes_our_unsubscribe_words_is_still_an_auto_reply() -> None:
    raw = _mail("Subject: Automatic reply: Quick question", "In-Reply-To: <" + ours("22") + ">",
                body="I am away. To stop emailing me, reply unsubscribe.")
    assert classify(raw).kind == AUTO


NOT_MAIL = (InboundKind.UNMATCHED, "not an email message: no mail headers", None)
READ_AS_REPLY = (InboundKind.REPLY, "reply (In-Reply-To/References) from a@b.example", ("o@s",))


@pytest.mark.parametrize(("raw", "expected"), [
    (b"", NOT_MAIL), (b"\x00\x01\x02 not a mail", NOT_MAIL),
    (b"From: \x00\xff\xfe<<>>@@\nSubject: =?utf-8?q?broken\n\n",
     (InboundKind.UNMATCHED, "no reply headers and no reply subject", None)),
    (b"From: a@b.example\nMessage-ID: <a@b>\nContent-Type: multipart/mixed\nSubject: Re: x\nIn-Reply-To: <o@s>\n\n"
     b"no parts", READ_AS_REPLY),
    (b"From: a@b.example\nMessage-ID: <a@b>\nContent-Type: text/plain; charset=x-nonsense\n"
     b"Content-Transfer-Encoding: base64\nSubject: Re: x\nIn-Reply-To: <o@s>\n\n!!!not base64***", READ_AS_REPLY),
], ids=["empty", "binary", "broken-headers", "multipart-without-boundary", "unknown-charset"])
def test_malformed_input_is_classified_without_raising(raw: bytes, expected: tuple[object, ...]) -> None:
    event = classify(raw)
    kind, detail, references = expected
    assert (event.kind, event.detail, event.references or None) == (kind, detail, references)


def test_damaged_copies_of_every_fixture_never_raise() -> None:
    rng = random.Random(20251204)  # fixed: the same damaged copies on every run
    originals = [path.read_bytes() for path in sorted(FIXTURES.iterdir())]
    for _ in range(300):
        damaged = bytearray(rng.choice(originals))
        for _ in range(rng.randrange(1, 12)):
            at = rng.randrange(len(damaged))
            damaged[at:at + rng.randrange(0, 40)] = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 8)))
        assert isinstance(classify(bytes(damaged)).kind, InboundKind)
