"""The campaign form's fields become the import's spec, its buttons reshape it, and its errors find their field."""

from starlette.datastructures import FormData

from aicmo.cam.campaigns.preview import MessageDraft
from aicmo.cam.campaigns.service import problems
from aicmo.web.dashboard.campaign_draft import (
    CampaignDraft,
    StepDraft,
    VariantDraft,
    error_key,
    from_form,
    message_drafts,
    reshape,
    to_spec,
)


def test_a_posted_form_becomes_the_spec_the_toml_import_takes() -> None:
    form = FormData([("name", "Q4"), ("audience.grades", "A"), ("audience.tags", " saas , emea,"),
                     ("audience.limit", ""), ("send_window.days", "1"), ("send_window.days", "5"),
                     ("send_window.start", "09:00"), ("send_window.end", "17:00"), ("send_window.timezone", "UTC"),
                     ("sender.name", "Alex"), ("sender.email", ""),
                     ("steps.1.channels", "linkedin"), ("steps.1.channels", ""), ("steps.1.body", "Again"),
                     ("steps.0.channels", "email"), ("steps.0.channels", "contact_form"), ("steps.0.subject", "Hi"),
                     ("steps.0.body", "Hello\r\nthere"), ("steps.0.delay_hours", "0")])

    spec = to_spec(from_form(form))

    assert spec == {
        "name": "Q4", "audience": {"grades": ["A"], "statuses": [], "tags": ["saas", "emea"]},
        "send_window": {"days": [1, 5], "start": "09:00", "end": "17:00", "timezone": "UTC"},
        "stop_company_on_reply": False, "sender": {"name": "Alex"},
        "steps": [{"channels": ["email", "contact_form"], "delay_hours": "0", "subject": "Hi",
                   "body": "Hello\nthere", "variants": []},
                  {"channels": ["linkedin"], "delay_hours": "0", "body": "Again", "variants": []}]}
    assert problems(spec) == []


def test_holidays_are_kept_in_the_window_only_when_asked_for() -> None:
    skipping = to_spec(CampaignDraft(skip_holidays=True, holiday_country="DE"))["send_window"]
    always = to_spec(CampaignDraft(always=True, skip_holidays=True))["send_window"]

    assert skipping == {"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00", "timezone": "UTC",
                        "skip_holidays": True, "holiday_country": "DE"}
    assert always == {"always": True}


def test_a_steps_first_split_moves_its_text_into_variant_a_beside_an_empty_b() -> None:
    draft = CampaignDraft(steps=[StepDraft(subject="Hi {{ company }}", body="Hello")])

    assert reshape(draft, "add_variant:0") and reshape(draft, "add_variant:0")

    assert draft.steps[0].variants == [VariantDraft("a", "1", "Hi {{ company }}", "Hello"), VariantDraft("b", "1"),
                                       VariantDraft("c", "1")]
    assert (draft.steps[0].subject, draft.steps[0].body) == ("", "")


def test_remove_buttons_drop_the_step_or_variant_named_and_ignore_one_that_is_not_there() -> None:
    draft = CampaignDraft(steps=[StepDraft(body="one", variants=[VariantDraft("a"), VariantDraft("b")]),
                                 StepDraft(body="two")])

    assert reshape(draft, "remove_variant:0:0") and reshape(draft, "remove_step:1")
    assert not reshape(draft, "remove_step:5") and not reshape(draft, "remove_variant:0:x")

    assert [step.body for step in draft.steps] == ["one"] and draft.steps[0].variants == [VariantDraft("b")]


def test_an_error_at_a_lists_item_belongs_beside_the_list() -> None:
    assert [error_key(loc) for loc in ("steps.0.channels.1", "audience.grades.0", "steps.0.variants.1.body",
                                       "steps.2")] == [
        "steps.0.channels", "audience.grades", "steps.0.variants.1.body", "steps.2"]


def test_every_variant_is_previewed_with_the_steps_subject_when_it_has_none() -> None:
    draft = CampaignDraft(steps=[StepDraft(subject="S", variants=[VariantDraft("a", body="A"),
                                                                  VariantDraft("", subject="T", body="B")]),
                                 StepDraft(body="C")])

    assert message_drafts(draft) == [MessageDraft(0, "a", "S", "A"), MessageDraft(0, "variant 2", "T", "B"),
                                     MessageDraft(1, None, None, "C")]


def test_problems_lists_every_schema_error_then_each_templates_at_its_part() -> None:
    assert problems({"name": "", "steps": [{"channels": [], "body": "x"}]}) == [
        ("name", "String should have at least 1 character"),
        ("steps.0.channels", "List should have at least 1 item after validation, not 0")]
    assert problems({"name": "n", "steps": [{"subject": "{{ x", "variants": [{"name": "a", "body": "{{ y }}"}]}]}) == [
        ("steps.0.variants.0.subject", "syntax error in subject template, line 1: unexpected end of template, "
                                       "expected 'end of print statement'."),
        ("steps.0.variants.0.body", "body uses unknown name 'y'")]
