"""The dashboard's charts in a real browser: headless Chromium against the real app on a SQLite file holding a
campaign with a week of history (sends, deliveries, replies, a bounce, meetings). Screenshots go to
$AICMO_SCREENSHOTS when set, else to the test's temporary directory."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, SmtpSecurity
from aicmo.db.base import utcnow
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.factories import make_lead
from tests.support.history import answered, refused, sent
from tests.support.http_app import serve_app

SETTINGS = Settings(secret_key="charts-browser-secret", public_base_url="http://127.0.0.1/")
SERIES = ["sent", "delivered", "replied", "positive_replies", "meetings", "bounced"]
CAMPAIGN = {"name": "Charts", "steps": [{"channels": ["email", "linkedin"], "body": "Hi"}, {"body": "Again"}]}


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ["AICMO_SCREENSHOTS"]) if os.environ.get("AICMO_SCREENSHOTS") else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def a_week_of_history(sessions: sessionmaker[Session]) -> int:
    """Eight leads written to over the last week: each sent, most delivered, some answered, one refused."""
    now = utcnow()
    with sessions() as db:
        ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": "127.0.0.1",
                             "smtp_port": 2525, "smtp_security": SmtpSecurity.NONE})
        campaign = ops.create_campaign(db, CAMPAIGN).id
        leads = [ops.create_lead(db, LeadCreate(**make_lead(first_name=f"Lead{n}", email=f"l{n}@co{n}.io",
                                                            website=f"https://co{n}.io"))).id for n in range(8)]
        for number, lead in enumerate(leads):
            day = now - timedelta(days=7 - number)
            message = messages.create(db, lead_id=lead, body="Hi", subject="Hello", now=day, campaign_id=campaign,
                                      step=0, channels=[Channel.EMAIL, Channel.LINKEDIN], variant=None, grade="A")
            if number == 3:
                refused(db, message, day, mailbox="sales")
                continue
            sent(db, message, day, mailbox="sales")
            answered(db, message, InboundKind.DELIVERED, day)
            if number % 2 == 0:
                answered(db, message, InboundKind.REPLY, day + timedelta(hours=1),
                         text="Sounds interesting, can we book a call next week?")
        db.commit()
        for lead in leads[:2]:
            ops.add_outcome(db, OutcomeCreate(lead_id=lead, kind=OutcomeKind.MEETING, occurred_at=now))
        return campaign


def log_in(page: Page, secret: str) -> None:
    page.goto("login")
    page.get_by_label("API key").fill(secret)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_the_campaign_page_draws_its_days_and_funnels_as_svg(browser: Browser, tmp_path: Path,
                                                             screenshots: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'charts.db'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    campaign = a_week_of_history(sessions)
    with sessions() as db:
        secret = ops.create_api_key(db, "browser").secret

    with serve_app(create_app(SETTINGS, sessions)) as base_url:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, base_url=f"{base_url}/app/")
        log_in(page, secret)
        trends = page.locator("svg#trends-chart g.series")
        expect(trends).to_have_count(4)
        page.screenshot(path=str(screenshots / "charts-overview.png"), full_page=True)

        page.goto(f"campaigns/{campaign}?days=7")
        chart = page.locator("svg#daily-chart")
        expect(chart).to_be_visible()
        expect(chart.locator("g.series")).to_have_count(len(SERIES))
        assert [chart.locator("g.series").nth(n).get_attribute("data-series") for n in range(len(SERIES))] == SERIES
        for name in SERIES:
            expect(chart.locator(f'g.series[data-series="{name}"] circle')).to_have_count(7)
        expect(chart.locator("g.legend > g")).to_have_count(len(SERIES))
        expect(chart.locator("title").first).to_contain_text("What happened each day")
        # A send a day, but four days ago, when the server refused the email (a bounce); eight days ago is outside.
        sent_titles = chart.locator('g.series[data-series="sent"] circle title').all_text_contents()
        assert [title.split(": ")[1] for title in sent_titles] == ["1 sent"] * 2 + ["0 sent"] + ["1 sent"] * 4
        bounce_titles = chart.locator('g.series[data-series="bounced"] circle title').all_text_contents()
        assert [title.split(": ")[1] for title in bounce_titles] == ["0 bounces"] * 2 + ["1 bounces"] + [
            "0 bounces"] * 4
        for by in ("step", "channel", "grade", "variant"):
            expect(page.locator(f"#by-{by} svg.funnel")).to_be_visible()
            expect(page.locator(f"#by-{by} a", has_text="CSV")).to_have_attribute(
                "href", f"/app/campaigns/{campaign}/funnel.csv?by={by}")
        page.locator("#daily details summary").click()
        expect(page.locator("#daily details table tbody tr")).to_have_count(7)
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(screenshots / "charts-campaign-daily.png"))
        page.screenshot(path=str(screenshots / "charts-campaign.png"), full_page=True)

        with page.expect_download() as download:
            page.locator("#daily a", has_text="CSV").click()
        lines = Path(download.value.path()).read_text("utf-8").splitlines()
        assert lines[0] == "day,sent,delivered,replied,positive_replies,meetings,bounced" and len(lines) == 8

        page.goto("mailboxes")
        expect(page.locator("svg#bounces-1 > g.threshold")).to_have_count(1)
        expect(page.locator("svg#bounces-1 g.series circle")).to_have_count(30)
        page.screenshot(path=str(screenshots / "charts-mailboxes.png"), full_page=True)
        page.goto("leads")
        expect(page.locator("#grades svg.funnel g.stage")).to_have_count(5)
        page.screenshot(path=str(screenshots / "charts-leads.png"), full_page=True)
    for name in ("overview", "campaign-daily", "campaign", "mailboxes", "leads"):
        assert (screenshots / f"charts-{name}.png").stat().st_size > 0
