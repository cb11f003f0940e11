"""The campaign form creates and edits campaigns field by field, and previews what a lead would receive."""

from typing import Any

import httpx
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from tests.factories import make_lead
from tests.integration.web.dashboard.support import A_GRADE, CAMPAIGN, csrf_of


def form(**overrides: Any) -> dict[str, Any]:
    """A valid campaign form: an A/B email step, then a LinkedIn step three days later."""
    fields: dict[str, Any] = {
        "name": "Form made", "description": "Made in the browser",
        "audience.grades": ["A", "B"], "audience.statuses": ["new"], "audience.tags": "saas, emea",
        "audience.limit": "50", "send_window.days": ["1", "2", "3"], "send_window.start": "08:30",
        "send_window.end": "16:00", "send_window.timezone": "Europe/Paris", "sender.name": "Alex Morgan",
        "steps.0.channels": ["email", "linkedin", ""], "steps.0.delay_hours": "0", "steps.0.subject": "",
        "steps.0.body": "",
        "steps.0.variants.0.name": "a", "steps.0.variants.0.weight": "2",
        "steps.0.variants.0.subject": "A question for {{ company }}",
        "steps.0.variants.0.body": "Hi {{ first_name }}, variant a. {{ sender.name }}",
        "steps.0.variants.1.name": "b", "steps.0.variants.1.weight": "1", "steps.0.variants.1.subject": "",
        "steps.0.variants.1.body": "Hello {{ first_name }}, variant b.",
        "steps.1.channels": ["linkedin", "", ""], "steps.1.delay_hours": "72", "steps.1.subject": "",
        "steps.1.body": "Hi {{ first_name }}, glad to connect.",
        "action": "save",
    }
    fields.update(overrides)
    return fields


def post(client: httpx.Client, page: str, action: str, fields: dict[str, Any]) -> httpx.Response:
    return client.post(action, data={"csrf_token": csrf_of(client.get(page)), **fields})


def test_a_campaign_made_in_the_form_is_stored_with_its_audience_window_steps_and_variants(
        operator: httpx.Client, db: Session) -> None:
    created = post(operator, "/campaigns/new", "/campaigns/new", form())

    campaign = ops.get_campaign(db, "Form made")
    assert created.status_code == 303 and created.headers["location"] == f"/app/campaigns/{campaign.id}"
    assert campaign.status == "draft" and campaign.description == "Made in the browser"
    assert campaign.audience.model_dump(mode="json") == {"grades": ["A", "B"], "statuses": ["new"],
                                                          "tags": ["saas", "emea"], "limit": 50}
    assert campaign.send_window == {"days": [1, 2, 3], "start": "08:30", "end": "16:00", "timezone": "Europe/Paris"}
    first, second = campaign.steps
    assert [c.value for c in first.channels] == ["email", "linkedin"] and first.delay_hours == 0
    assert [(v.name, v.weight, v.subject) for v in first.variants] == [
        ("a", 2.0, "A question for {{ company }}"), ("b", 1.0, None)]
    assert ([c.value for c in second.channels], second.delay_hours, second.body) == (
        ["linkedin"], 72.0, "Hi {{ first_name }}, glad to connect.")
    assert campaign.sender.name == "Alex Morgan"


def test_an_invalid_form_shows_each_problem_beside_its_field_and_stores_nothing(operator: httpx.Client,
                                                                               db: Session) -> None:
    answer = post(operator, "/campaigns/new", "/campaigns/new", form(**{
        "name": "", "steps.1.delay_hours": "soon", "steps.0.variants.1.body": "",
        "steps.1.channels": ["", "", ""], "send_window.start": "25:00"}))

    assert answer.status_code == 422 and "Nothing was saved" in answer.text
    shown = {field for field in ("name", "steps.1.delay_hours", "steps.0.variants.1.body", "steps.1.channels",
                                 "send_window") if f'data-field="{field}"' in answer.text}
    assert shown == {"name", "steps.1.delay_hours", "steps.0.variants.1.body", "steps.1.channels", "send_window"}
    typed = 'name="steps.1.delay_hours" type="number" value="soon" step="any" aria-invalid="true"'
    assert typed in answer.text  # what was typed comes back to correct
    assert ops.list_campaigns(db) == []


def test_a_template_error_is_shown_at_the_subject_that_has_it_and_nothing_is_stored(operator: httpx.Client,
                                                                                   db: Session) -> None:
    answer = post(operator, "/campaigns/new", "/campaigns/new",
                  form(**{"steps.0.variants.0.subject": "About {{ company", "steps.1.body": "Hi {{ nickname }}"}))

    assert answer.status_code == 422
    assert 'data-field="steps.0.variants.0.subject">syntax error in subject template, line 1' in answer.text
    assert 'data-field="steps.1.body">body uses unknown name &#39;nickname&#39;' in answer.text
    assert ops.list_campaigns(db) == []


def test_a_name_already_taken_is_shown_at_the_name(operator: httpx.Client, db: Session) -> None:
    ops.create_campaign(db, CAMPAIGN)

    answer = post(operator, "/campaigns/new", "/campaigns/new", form(name="Spring intro"))

    assert answer.status_code == 422
    assert 'data-field="name">a campaign named &#39;Spring intro&#39; already exists' in answer.text
    assert [c.name for c in ops.list_campaigns(db)] == ["Spring intro"]


def test_the_add_and_remove_buttons_reshape_the_form_and_store_nothing(operator: httpx.Client,
                                                                       db: Session) -> None:
    one_step = form(**{"action": "add_variant:1"})
    split = post(operator, "/campaigns/new", "/campaigns/new", one_step)
    added = post(operator, "/campaigns/new", "/campaigns/new", form(action="add_step"))
    removed = post(operator, "/campaigns/new", "/campaigns/new", form(action="remove_variant:0:1"))

    # The LinkedIn step's text moves into variant "a" beside an empty "b".
    assert 'name="steps.1.variants.0.body"' in split.text and 'name="steps.1.variants.1.name" type="text" value="b"' \
        in split.text
    assert "glad to connect.</textarea>" in split.text.split('name="steps.1.variants.0.body"')[1].split("\n")[0]
    assert 'name="steps.2.body"' in added.text
    assert 'name="steps.2.delay_hours" type="number" value="72" step="any"' in added.text
    assert 'name="steps.0.variants.1.body"' not in removed.text and 'name="steps.0.variants.0.body"' in removed.text
    assert ops.list_campaigns(db) == []


def test_a_draft_campaign_is_edited_in_the_form(operator: httpx.Client, db: Session) -> None:
    campaign = ops.create_campaign(db, CAMPAIGN)
    page = f"/campaigns/{campaign.id}/edit"

    campaign_page = operator.get(f"/campaigns/{campaign.id}")
    shown = operator.get(page)
    saved = post(operator, page, page, form(name="Spring intro, edited", **{"send_window.always": "on"}))

    assert f'href="/app/campaigns/{campaign.id}/edit">Edit</a>' in campaign_page.text
    assert 'value="Spring intro"' in shown.text and "variant a.</textarea>" in shown.text
    assert saved.status_code == 303 and saved.headers["location"] == f"/app/campaigns/{campaign.id}"
    edited = ops.get_campaign(db, campaign.id)
    assert (edited.name, edited.send_window, len(edited.steps)) == ("Spring intro, edited", {"always": True}, 2)
    assert [v.body for v in edited.steps[0].variants] == ["Hi {{ first_name }}, variant a. {{ sender.name }}",
                                                          "Hello {{ first_name }}, variant b."]


def test_editing_in_the_form_keeps_the_campaigns_channel_order_learning(operator: httpx.Client, db: Session) -> None:
    learning = {"enabled": True, "segment_by": "grade", "orders": [], "settle_days": 14}
    campaign = ops.create_campaign(db, {**CAMPAIGN, "channel_order": learning})
    page = f"/campaigns/{campaign.id}/edit"

    saved = post(operator, page, page, form(name="Learning kept"))

    assert saved.status_code == 303
    edited = ops.get_campaign(db, campaign.id)
    assert (edited.name, edited.channel_order.enabled, edited.channel_order.segment_by) == ("Learning kept", True,
                                                                                           "grade")


def test_a_paused_campaign_takes_new_texts_but_keeps_its_steps(operator: httpx.Client, db: Session) -> None:
    ops.create_lead(db, LeadCreate(**make_lead(**A_GRADE)))
    campaign = ops.create_campaign(db, CAMPAIGN)
    ops.start_campaign(db, campaign.id)
    ops.pause_campaign(db, campaign.id)
    page = f"/campaigns/{campaign.id}/edit"

    shown = operator.get(page)
    extra_step = post(operator, page, page, form(**{"name": "Spring intro", "steps.2.channels": ["email"],
                                                    "steps.2.body": "One more"}))
    new_texts = post(operator, page, page, form(name="Spring intro"))

    assert "the steps and the variants' names stay" in shown.text
    assert 'value="add_step"' not in shown.text and 'value="remove_step:0"' not in shown.text
    assert extra_step.status_code == 422 and "keeps that many" in extra_step.text
    assert new_texts.status_code == 303
    assert ops.get_campaign(db, campaign.id).steps[1].body == "Hi {{ first_name }}, glad to connect."


def test_a_running_campaign_is_not_edited_until_paused(operator: httpx.Client, db: Session) -> None:
    ops.create_lead(db, LeadCreate(**make_lead(**A_GRADE)))
    campaign = ops.create_campaign(db, CAMPAIGN)
    ops.start_campaign(db, campaign.id)
    page = f"/campaigns/{campaign.id}"

    refused = post(operator, page, f"{page}/edit", form(name="Renamed"))

    assert refused.status_code == 303 and refused.headers["location"] == f"/app{page}"
    assert "only a draft or a paused campaign can be edited (pause it first)" in operator.get(page).text
    assert ops.get_campaign(db, campaign.id).name == "Spring intro"


def test_the_preview_endpoint_writes_each_variant_for_the_lead_and_names_a_template_error(
        operator: httpx.Client, db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name="Ingrid", company_name="Nordlys AS")))

    answer = post(operator, "/campaigns/new", "/campaigns/preview", form(
        preview_lead=str(lead.id), **{"steps.1.body": "Hi {{ nickname }}"}))

    assert answer.status_code == 200
    messages = [(m["step"], m["variant"], m["subject"], m["body"], m["error"], m["part"])
                for m in answer.json()["messages"]]
    assert messages == [
        (0, "a", "A question for Nordlys", "Hi Ingrid, variant a. Alex Morgan", None, None),
        (0, "b", None, "Hello Ingrid, variant b.", None, None),
        (1, None, None, None, "undefined variable 'nickname' in template", "body"),
    ]


def test_the_preview_names_the_field_a_lead_lacks(operator: httpx.Client, db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name=None, last_name=None, company_name="Nordlys")))

    answer = post(operator, "/campaigns/new", "/campaigns/preview", form(preview_lead=str(lead.id)))

    errors = [m["error"] for m in answer.json()["messages"]]
    assert len(errors) == 3 and all(error and "first_name" in error for error in errors)


def test_the_preview_of_a_lead_that_does_not_exist_says_so(operator: httpx.Client) -> None:
    answer = post(operator, "/campaigns/new", "/campaigns/preview", form(preview_lead="999"))

    assert answer.status_code == 404 and answer.json() == {"messages": [], "error": "Lead 999 does not exist."}


def test_the_preview_button_fills_the_preview_in_without_javascript(operator: httpx.Client, db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name="Ingrid")))

    page = post(operator, "/campaigns/new", "/campaigns/new", form(action="preview", preview_lead=str(lead.id)))

    assert page.status_code == 200 and f'<option value="{lead.id}" selected>Ingrid Doe · Acme</option>' in page.text
    assert '<pre class="body">Hi Ingrid, variant a. Alex Morgan</pre>' in page.text
    assert ops.list_campaigns(db) == []
