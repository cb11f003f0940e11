"""A step's optional HTML part (an HTML or a Markdown template), rendered in the same sandbox as its text and sent
with it as multipart/alternative to a real SMTP server, links and the unsubscribe link in both parts."""

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam import auto
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.templates.html import html_links, text_links
from aicmo.cam.templates.render import RenderLimits
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.errors import InvalidCampaign
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import TUESDAY_10, new_lead
from tests.support.smtp_server import ScriptedSmtpServer

SEQUENCE = {
    "name": "With HTML",
    "steps": [
        {"channels": ["email"], "subject": "Hello {{ first_name }}",
         "body": "Hi {{ first_name }}, {Our|The} pricing: https://seller.example/pricing",
         "markdown": "Hi **{{ first_name }}** at {{ company }}, {our|the} [pricing](https://seller.example/pricing)"},
        {"channels": ["email"], "delay_hours": 24, "subject": "Re: Hello", "body": "Following up.",
         "html": "<p style='color:#333'>Following up, {{ first_name }}.</p>"},
        {"channels": ["email"], "delay_hours": 24, "subject": "Last", "body": "Text only."},
    ],
    "send_window": {"always": True},
}


def parts(envelope_content: bytes) -> tuple[EmailMessage, str, str | None]:
    message = message_from_bytes(envelope_content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    plain = message.get_body(("plain",))
    html = message.get_body(("html",)) if message.get_content_type() == "multipart/alternative" else None
    assert plain is not None
    return message, plain.get_content(), html.get_content() if html is not None else None


async def test_markdown_and_html_steps_go_as_alternatives_with_the_same_links_and_the_unsubscribe_link(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    new_lead(db, first_name="Zoë", company_name="Smith & <Sons>")
    campaign = campaigns.create(db, SEQUENCE, now=clock.now())
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)

    (first, first_text, first_html), (second, _, second_html), (third, _, third_html) = (
        parts(envelope.content) for envelope in smtp_server.envelopes)
    assert first.get_content_type() == second.get_content_type() == "multipart/alternative"
    assert first_html is not None and "Hi <strong>Zoë</strong> at Smith &amp; &lt;Sons&gt;" in first_html
    assert text_links(first_text) == html_links(first_html)
    assert any("/u/" in link for link in text_links(first_text))  # the unsubscribe link, in both
    assert second_html is not None and "<p style='color:#333'>Following up, Zoë.</p>" in second_html
    assert (third.get_content_type(), third_html) == ("text/plain", None)


async def test_a_lead_whose_rendered_parts_differ_in_links_is_flagged_not_sent(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    lead = new_lead(db)
    steps = [{"channels": ["email"], "subject": "Hi", "body": "Hi {{ first_name }}",
              "html": "<p>See <a href='https://seller.example/for/{{ first_name }}'>your page</a></p>"}]
    campaign = campaigns.create(db, {"name": "links", "steps": steps, "send_window": {"always": True}},
                                now=clock.now())
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)

    message = db.scalar(select(OutreachMessageDB).where(OutreachMessageDB.lead_id == lead.id))
    assert message is not None and message.status is MessageStatus.SKIPPED
    assert "the text part lacks the link https://seller.example/for/Jane" in (message.last_error or "")
    assert smtp_server.envelopes == []


@pytest.mark.parametrize(("step", "reason"), [
    ({"body": "Hi", "html": "<p>Hi</p>", "markdown": "Hi"}, "not both"),
    ({"body": "Hi", "html": "   "}, "html is empty"),
    ({"variants": [{"name": "a", "body": "A"}], "markdown": "Hi"}, "gives each variant its own html or markdown"),
    ({"body": "Hi", "markdown": "Hi {{ nickname }}"}, "html uses unknown name 'nickname'"),
    ({"body": "Hi", "variants": [{"name": "a", "body": "A https://x.io", "html": "<p>A</p>"}]},
     "the HTML part lacks the link https://x.io"),
])
def test_a_bad_html_part_is_refused_naming_the_step(db: Session, step: dict[str, object], reason: str) -> None:
    with pytest.raises(InvalidCampaign, match="^steps.0") as refused:
        campaigns.create(db, {"name": "bad", "steps": [step]}, now=TUESDAY_10)
    assert reason in str(refused.value)
