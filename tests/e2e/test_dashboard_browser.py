"""The dashboard in a real browser: headless Chromium against the real app on a SQLite file, with a local SMTP
server behind the sender mailbox and the worker delivering in the background."""

import re
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from aicmo import operator_services as ops
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.e2e.running import worker_in_thread
from tests.factories import APOLLO_MIN_HEADERS, csv_text
from tests.support.http_app import serve_app
from tests.support.threaded import smtp_in_thread

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WAIT_LIMIT = 30.0  # seconds; a bound on waiting for the worker, not something measured
HEADERS = [*APOLLO_MIN_HEADERS, "Seniority", "Departments"]
FIT = ["200", "software", "US", "c_suite", "engineering"]  # what the default profile grades A, with a title
LEADS = [
    ["Ada", "Lovelace", "CTO", "Engines", "ada@engines.io", "https://www.linkedin.com/in/ada-lovelace",
     "engines.io", *FIT],
    ["Grace", "Hopper", "VP Engineering", "Cobol Inc", "", "https://www.linkedin.com/in/grace-hopper", "", *FIT],
    ["Katherine", "Johnson", "Head of Engineering", "Orbit", "katherine@orbit.space", "", "orbit.space", *FIT],
    ["Alan", "Turing", "Intern", "Bletchley", "alan@bletchley.uk", "", "", "20", "", "GB", "entry", ""],
    ["Bob", "Smith", "Office Assistant", "Smith & Co", "bob@smith.co", "", "smith.co", "5", "retail", "BR", "", ""],
    ["No", "Contact", "CEO", "Nowhere", "", "", "", "", "", "", "", ""],
]
CAMPAIGN = """name = "Browser test"
send_window = { always = true }
[audience]
grades = ["A"]
[[steps]]
channels = ["email", "linkedin"]
subject = "A question for {{ company }}"
body = "Hi {{ first_name }}, a short question about {{ company }}."
[[steps]]
channels = ["linkedin"]
delay_hours = 0
body = "Hi {{ first_name }}, I wrote to you about {{ company }}: happy to connect."
"""
SETTINGS = Settings(secret_key="browser-test-secret", public_base_url="http://127.0.0.1/")


def reload_until(page: Page, ready: Callable[[], bool]) -> None:
    """Reload the page until `ready()` (the worker runs beside the test); give up after WAIT_LIMIT seconds."""
    deadline = time.monotonic() + WAIT_LIMIT
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.25)
        page.reload()


def test_an_operator_imports_leads_runs_a_campaign_and_follows_it_in_the_browser(browser: Browser,
                                                                                  tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("dashboard-*.png"):  # a file left by an earlier run must not pass for this run's
        old.unlink()
    shots: list[Path] = []

    def shot(page: Page, name: str) -> None:
        path = SCREENSHOTS / f"dashboard-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    engine = make_engine(f"sqlite:///{tmp_path / 'dashboard.db'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    lead_file = tmp_path / "apollo-export.csv"
    lead_file.write_text(csv_text(HEADERS, LEADS), encoding="utf-8")
    with sessions() as db:
        secret = ops.create_api_key(db, "browser").secret

    with smtp_in_thread() as smtp, sessions() as db:
        ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": smtp.host,
                             "smtp_port": smtp.port, "smtp_security": SmtpSecurity.NONE})
        with worker_in_thread(sessions, SETTINGS), serve_app(create_app(SETTINGS, sessions)) as base_url:
            page = browser.new_page(viewport={"width": 1366, "height": 800}, base_url=f"{base_url}/app/")
            # A script or style the page's security policy refused, or a file it could not load, shows here.
            errors: list[str] = []
            page.on("console", lambda message: errors.append(f"{message.text} {message.location}")
                    if message.type == "error" else None)

            # Logging in: any page leads to the login form first.
            page.goto("leads")
            expect(page).to_have_url(re.compile(r"/app/login$"))
            shot(page, "login")
            page.get_by_label("API key").fill(secret)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Overview")).to_be_visible()
            shot(page, "overview-empty")

            # Importing the export through the upload form, and the summary with the rejected row.
            page.get_by_role("link", name="Leads").click()
            expect(page.get_by_text("No leads match.")).to_be_visible()
            shot(page, "leads-empty")
            page.get_by_label("Lead file").set_input_files(lead_file)
            page.get_by_role("button", name="Import").click()
            expect(page.locator("#import")).to_have_attribute("data-state", "done", timeout=WAIT_LIMIT * 1000)
            expect(page.locator("#rows-read")).to_have_text("6")
            expect(page.locator("#inserted")).to_have_text("5")
            expect(page.locator("table.rejections tbody tr")).to_have_count(1)
            shot(page, "import-summary")

            # Only the A-grade leads.
            page.get_by_role("link", name="See the leads").click()
            expect(page.locator("table.leads tbody tr")).to_have_count(5)
            shot(page, "leads-imported")
            page.get_by_label("A", exact=True).check()
            page.get_by_role("button", name="Filter").click()
            grades = page.locator("table.leads tbody .grade")
            expect(grades).to_have_count(3)
            assert set(grades.all_inner_texts()) == {"A"}
            shot(page, "leads-grade-a")

            # No gap between two touches of a lead, so the LinkedIn step follows the email at once.
            page.get_by_role("link", name="Settings").click()
            limits = page.locator('form[data-scope="all"]')
            limits.locator('input[name="min_lead_gap_hours"]').fill("0")
            limits.get_by_role("button", name="Save all").click()
            expect(page.get_by_text("Limits for all saved.")).to_be_visible()
            shot(page, "settings")

            # A campaign from a TOML spec, started.
            page.get_by_role("link", name="Campaigns").click()
            page.get_by_label("Spec").fill(CAMPAIGN)
            shot(page, "campaigns-new")
            page.get_by_role("button", name="Import campaign").click()
            expect(page.locator("#campaign-status")).to_have_text("draft")
            page.get_by_role("button", name="Start").click()
            expect(page.get_by_text("Started: 3 leads joined.")).to_be_visible()
            shot(page, "campaign-started")

            # The funnel moves as the worker sends to the SMTP server.
            page.get_by_role("link", name="Overview").click()
            sent = page.locator('article.campaign g[data-stage="sent"]')
            reload_until(page, lambda: int(sent.get_attribute("data-count") or 0) >= 2)
            assert int(sent.get_attribute("data-count") or 0) >= 2
            shot(page, "overview-funnel")

            # LinkedIn: Grace (no email) at steps 1 and 2, Ada at step 2; one is marked done.
            page.get_by_role("link", name="Tasks", exact=True).click()
            tasks = page.locator("article.task")
            reload_until(page, lambda: tasks.count() >= 3)
            expect(tasks).to_have_count(3)
            expect(page.locator("textarea.note").first).to_have_value(re.compile(r"^Hi (Grace|Ada), "))
            shot(page, "tasks")
            first = tasks.first.get_attribute("data-task")
            tasks.first.get_by_role("button", name="Done").click()
            expect(page.get_by_text(re.compile(r"Task \d+ for .* marked done\."))).to_be_visible()
            expect(tasks).to_have_count(2)
            expect(page.locator(f'article.task[data-task="{first}"]')).to_have_count(0)
            shot(page, "tasks-after-done")

            # Ada's timeline: the email that went out and the LinkedIn step handed over.
            page.get_by_role("link", name="Leads").click()
            page.get_by_role("link", name="Ada Lovelace").click()
            expect(page.locator('ol.timeline li.out[data-kind="email"] .outcome')).to_have_text("sent")
            expect(page.locator('ol.timeline li.out[data-kind="linkedin"]')).not_to_have_count(0)
            shot(page, "lead-timeline")

            page.get_by_role("link", name="Mailboxes").click()
            expect(page.locator('article.mailbox[data-mailbox="sales"]')).to_have_attribute("data-state", "active")
            shot(page, "mailboxes")
            # Ada booked a meeting and Katherine signed: the campaign page credits them, by the model chosen.
            leads = {lead.first_name: lead.id for lead in ops.list_leads(db).items}
            ops.add_outcome(db, OutcomeCreate(lead_id=leads["Ada"], kind=OutcomeKind.MEETING))
            ops.add_outcome(db, OutcomeCreate(lead_id=leads["Katherine"], kind=OutcomeKind.WON, value="4800",
                                              currency="EUR"))
            page.goto(f"campaigns/{ops.list_campaigns(db)[0].id}")
            table = page.locator("#attribution-table")
            expect(table).to_have_attribute("data-model", "linear")
            expect(table.locator('tr[data-key="email"]')).to_be_visible()
            shot(page, "campaign-after")
            page.locator("#attribution-model").select_option("first")
            page.locator("#attribution-by").select_option("step")
            page.get_by_role("button", name="Show").click()
            expect(table).to_have_attribute("data-model", "first")
            expect(table.locator('tr[data-key="step 1"] td').nth(1)).to_have_text("2.00")
            expect(table.locator('tr[data-key="email"]')).to_have_count(0)
            expect(table.locator("thead")).to_contain_text("Value (EUR)")
            shot(page, "campaign-attribution-first-touch")
            # The ROI table below follows the same model: Katherine's deal is the campaign's revenue.
            roi = page.locator("#roi-table")
            expect(roi).to_have_attribute("data-model", "first")
            expect(roi.locator('tr[data-channel="total"] th').nth(3)).to_have_text("4,800.00")

    assert errors == []
    assert sorted(recipient for envelope in smtp.envelopes for recipient in envelope.rcpt_tos) == [
        "ada@engines.io", "katherine@orbit.space"]
    assert len(shots) == 16
    for path in shots:
        assert path.is_file() and path.stat().st_size > 1000, path
