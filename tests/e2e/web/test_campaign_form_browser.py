"""A campaign made in the dashboard's form in a real browser: headless Chromium against the real app on a SQLite
file with two leads, the preview following the typing. Screenshots go to $AICMO_SCREENSHOTS when set, else to the
test's temporary directory."""

import os
from pathlib import Path

from playwright.sync_api import Browser, expect

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.factories import make_lead
from tests.support.http_app import serve_app

SETTINGS = Settings(secret_key="campaign-form-browser-secret", public_base_url="http://127.0.0.1/")


def test_an_operator_writes_a_campaign_in_the_form_sees_a_leads_preview_and_creates_it(browser: Browser,
                                                                                       tmp_path: Path) -> None:
    shots = Path(os.environ.get("AICMO_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{tmp_path / 'form.db'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as db:
        secret = ops.create_api_key(db, "browser").secret
        ops.create_lead(db, LeadCreate(**make_lead(first_name="Aino", last_name="Aalto", company_name="Sisu Oy")))
        ingrid = ops.create_lead(db, LeadCreate(**make_lead(first_name="Ingrid", last_name="Berg",
                                                            email="ingrid@nordlys.no", company_name="Nordlys AS")))

    with serve_app(create_app(SETTINGS, sessions)) as base_url:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, base_url=f"{base_url}/app/")
        errors: list[str] = []  # a script the security policy refused shows here
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto("login")
        page.get_by_label("API key").fill(secret)
        page.get_by_role("button", name="Log in").click()

        page.goto("campaigns")
        page.get_by_role("link", name="New campaign").click()
        expect(page.get_by_role("heading", name="New campaign")).to_be_visible()
        page.locator("#f-steps-0-subject").fill("A question for {{ company }}")
        page.locator("#f-steps-0-body").fill("Hei {{ first_name }}, a word about {{ company }}.")

        # Without a name nothing is stored: the problem shows beside the field, what was typed stays.
        page.get_by_role("button", name="Create campaign").click()
        expect(page.locator('.field-error[data-field="name"]')).to_have_text("String should have at least 1 character")
        expect(page.locator("#f-steps-0-subject")).to_have_value("A question for {{ company }}")
        page.screenshot(path=str(shots / "campaign-form-invalid.png"), full_page=True)
        page.get_by_label("Campaign name").fill("Nordic intro")

        # Split the step into A/B (a round trip to the server), then write variant b.
        page.get_by_role("button", name="Split into A/B variants").click()
        expect(page.locator("#f-steps-0-variants-0-body")).to_have_value(
            "Hei {{ first_name }}, a word about {{ company }}.")
        page.locator("#f-steps-0-variants-1-body").fill("Hello {{ first_name }}, variant b.")

        # Ingrid chosen: the preview follows as the fields change, without pressing Preview.
        page.locator("#preview-lead").select_option(str(ingrid.id))
        preview = page.locator("#preview")
        expect(preview.locator('article[data-variant="a"] pre.body')).to_have_text(
            "Hei Ingrid, a word about Nordlys.")
        expect(preview.locator('article[data-variant="b"] pre.body')).to_have_text("Hello Ingrid, variant b.")
        page.locator("#f-steps-0-variants-1-body").fill("Hello {{ first_name }}, {{ nickname }}.")
        expect(preview.locator('article[data-variant="b"] .field-error')).to_contain_text("nickname")
        page.locator("#f-steps-0-variants-1-body").fill("Hello {{ first_name }}, variant b.")
        expect(preview.locator('article[data-variant="b"] pre.body')).to_have_text("Hello Ingrid, variant b.")
        page.screenshot(path=str(shots / "campaign-form-preview.png"), full_page=True)

        page.get_by_role("button", name="Add step").click()
        page.locator("#f-steps-1-channels-0").select_option("linkedin")
        page.locator("#f-steps-1-body").fill("Hi {{ first_name }}, glad to connect.")
        expect(preview.locator('article[data-step="2"] pre.body')).to_have_text("Hi Ingrid, glad to connect.")
        page.get_by_role("button", name="Create campaign").click()

        expect(page.locator("#campaign-status")).to_have_text("draft")
        expect(page.get_by_role("heading", name="Nordic intro")).to_be_visible()
        page.screenshot(path=str(shots / "campaign-form-created.png"), full_page=True)

    with sessions() as db:
        campaign = ops.get_campaign(db, "Nordic intro")
        assert len(ops.list_campaigns(db)) == 1  # the invalid submission stored nothing
    assert [len(step.variants) for step in campaign.steps] == [2, 0]
    assert campaign.steps[1].body == "Hi {{ first_name }}, glad to connect."
    # The form refused on purpose answers 422, which Chromium logs; anything else (a refused script) is a fault.
    assert [error for error in errors if "status of 422" not in error] == []
    assert len(errors) == 1
