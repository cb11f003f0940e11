"""Each misreading found on real-world mail, pinned to a sample from the labelled corpus (tests/data/inbound).

Public samples come from flufl.bounce, bounced and talon; the shapes no public corpus holds (Hotmail JMRP, SES
notifications by e-mail, Exchange's header-only out-of-office, Auto-Submitted: auto-generated, DSN 'deliverable',
replies in many languages) are written samples of the same corpus.
"""

from pathlib import Path

import pytest

from aicmo.cam.inbox.classify import classify
from aicmo.cam.inbox.events import InboundEvent, InboundKind

CORPUS = Path(__file__).resolve().parents[3] / "data" / "inbound"
BOUNCE, COMPLAINT, AUTO, REPLY = InboundKind.BOUNCE, InboundKind.COMPLAINT, InboundKind.AUTO_REPLY, InboundKind.REPLY


def read(name: str) -> InboundEvent:
    return classify((CORPUS / name).read_bytes())


@pytest.mark.parametrize(("name", "address"), [
    ("tuning/flufl.bounce/simple_01.txt", "bbbsss@example.com"),  # MDaemon, relayed with List-Id
    ("tuning/flufl.bounce/microsoft_03.txt", "userx@example.com"),  # Exchange "Non-Delivery", Precedence: bulk
    ("tuning/flufl.bounce/simple_27.txt", "userx@example.net.py"),  # "Warning: … - User unknown!"
    ("tuning/flufl.bounce/simple_15.txt", "userx@example.be"),  # InterScan: "Mail could not be delivered"
    ("tuning/flufl.bounce/simple_20.txt", "userx@example.com"),  # "RE: … : non remis (delivery failed)"
])
def test_a_bounce_from_an_unlisted_sender_or_relayed_by_a_list_is_a_bounce(name: str, address: str) -> None:
    event = read(name)
    assert (event.kind, event.address) == (BOUNCE, address)


def test_a_bounce_naming_its_recipient_only_in_prose_keeps_it_and_the_quoted_message_id() -> None:
    event = read("heldout/bounced/unknown_code_bounce_01.eml")
    assert (event.kind, event.address) == (BOUNCE, "sdrake@tradingpost.ch")
    assert event.references == ("4b64d9fd8f537_18e83fa070dbb1b85499c1@xenon.swom.com.tmail",)
    written = read("heldout/written/prose_bounce_quoted_message_id.eml")
    assert (written.address, written.references) == ("quinn@buyer.example", ("step2-quinn@seller.example",))


@pytest.mark.parametrize("name", ["tuning/flufl.bounce/bounce_03.txt", "tuning/flufl.bounce/groupwise_02.txt"])
def test_a_mailman_version_in_the_returned_headers_is_no_status_code(name: str) -> None:
    event = read(name)
    assert event.kind == BOUNCE
    assert event.status_code is None
    assert event.hard is True


def test_a_transcripts_success_replies_do_not_make_a_quota_refusal_soft() -> None:
    event = read("tuning/flufl.bounce/simple_01.txt")  # "220 ready … 250 … 552 would exceed mailbox quota"
    assert event.hard is True


def test_an_arc_seals_rsa_sha256_is_no_reply_code() -> None:
    event = read("tuning/written/prose_bounce_arc_seal.eml")
    assert (event.kind, event.address, event.hard) == (BOUNCE, "pat@buyer.example", True)
    assert event.references == ("step1-pat@seller.example",)


def test_a_report_of_success_is_no_bounce() -> None:
    assert read("tuning/written/dsn_deliverable_2_1_5.eml").kind == InboundKind.DELIVERED
    assert read("heldout/written/dsn_relayed_2_0_0.eml").kind == InboundKind.DELIVERED


@pytest.mark.parametrize(("name", "address"), [
    ("tuning/flufl.bounce/dsn_01.txt", "userx@example.com"),  # Final-Recipient: userx@sims-ms-daemon
    ("tuning/flufl.bounce/dsn_04.txt", "userx@example.ch"),  # Final-Recipient: HAASM@yogi.urz.example.ch
    ("heldout/bounced/tt_bounce_16.eml", "notikums@tv5.lv"),  # Final-Recipient: the alias's target
])
def test_a_report_names_the_address_we_wrote_to_not_the_mailbox_it_became(name: str, address: str) -> None:
    assert read(name).address == address


def test_a_report_without_its_report_type_is_read_field_by_field() -> None:
    event = read("tuning/flufl.bounce/dsn_02.txt")  # an X.400 gateway's DSN: Action failed, Status 4.4.7
    assert (event.kind, event.hard, event.status_code) == (BOUNCE, False, "4.4.7")


def test_a_message_deleted_unread_on_quota_is_a_bounce_not_an_auto_reply() -> None:
    event = read("tuning/flufl.bounce/simple_38.txt")  # Dovecot MDN, Auto-Submitted: auto-replied (rejected)
    assert (event.kind, event.address) == (BOUNCE, "userx@example.com")


@pytest.mark.parametrize(("name", "address", "reference"), [
    ("tuning/written/hotmail_jmrp_complaint.eml", "carol.buyer@hotmail.com", "step1-carol@seller.example"),
    ("heldout/written/hotmail_jmrp_complaint_attached.eml", "dan.buyer@outlook.com", "step2-dan@seller.example"),
    ("tuning/written/ses_complaint_by_email.eml", "erin.buyer@example.org", "step1-erin@seller.example"),
])
def test_a_hotmail_jmrp_report_or_an_ses_complaint_by_email_is_a_complaint(name: str, address: str,
                                                                            reference: str) -> None:
    event = read(name)
    assert (event.kind, event.address) == (COMPLAINT, address)
    assert reference in event.references


def test_an_ses_bounce_by_email_is_a_bounce_with_its_status() -> None:
    event = read("tuning/written/ses_bounce_by_email.eml")
    assert (event.kind, event.address, event.hard, event.status_code) == (BOUNCE, "gina.buyer@example.com", True,
                                                                          "5.1.1")


@pytest.mark.parametrize("name", [
    "tuning/written/exchange_ooo_header_only.eml",  # X-Auto-Response-Suppress and the rules-loop header
    "heldout/written/exchange_ooo_header_only_polish.eml",  # the rules-loop header only, a "Re:" subject
    "tuning/written/auto_generated_re_subject.eml",  # Auto-Submitted: auto-generated, "Re:" subject
    "heldout/written/auto_generated_ticket.eml",  # Auto-Submitted: auto-generated, no reply headers
])
def test_an_answer_marked_automatic_only_in_its_headers_is_an_auto_reply(name: str) -> None:
    assert read(name).kind == AUTO


def test_a_person_from_outlook_mentioning_a_holiday_is_still_a_person() -> None:
    assert read("tuning/written/person_reply_outlook_headers.eml").kind == REPLY
    assert read("heldout/written/person_reply_mentions_vacation.eml").kind == REPLY


@pytest.mark.parametrize(("name", "text"), [
    ("tuning/talon/android.eml", "Hello"),  # Russian attribution, wrapped inside the address
    ("tuning/written/reply_pl_gmail.eml", "Chętnie, wtorek o 10 mi pasuje."),
    ("heldout/written/reply_pl_thunderbird.eml", "Dobrze, porozmawiajmy we wtorek."),
    ("tuning/written/reply_sv_gmail.eml", "Gärna, tisdag klockan 10 passar bra."),
    ("heldout/written/reply_sv_outlook.eml", "Tack, ring mig på torsdag."),
    ("tuning/written/reply_ru_outlook.eml", "Спасибо, давайте в четверг."),
    ("heldout/written/reply_uk_gmail.eml", "Так, вівторок о 10 мені підходить."),
    ("heldout/written/reply_no_gmail.eml", "Gjerne, tirsdag klokken 10 passer fint."),
    ("heldout/written/reply_no_outlook.eml", "Takk, ring meg på torsdag."),
])
def test_a_reply_loses_the_quote_under_an_attribution_in_any_language(name: str, text: str) -> None:
    event = read(name)
    assert (event.kind, event.text) == (REPLY, text)


def test_a_reply_written_below_the_quote_comes_back_whole() -> None:
    assert read("tuning/talon/thunderbird.eml").text == "Hello"
    bottom = read("tuning/written/reply_thunderbird_bottom_posted.eml")
    assert bottom.text == "Thanks Bob, Thursday afternoon is better for me.\n\nAnn"


def test_a_person_answering_from_a_help_desk_that_suppresses_auto_responses_is_a_person() -> None:
    # Zendesk and the like set X-Auto-Response-Suppress: All on what their agents write; only Exchange's counts.
    event = read("tuning/written/person_reply_helpdesk_suppress_header.eml")
    assert (event.kind, event.text) == (REPLY, "Hi Bob, yes, please call me on Thursday at 3 pm.\n\nOlga")
