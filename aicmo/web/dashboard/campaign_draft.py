"""The campaign form as typed: read from a posted form or a stored campaign, reshaped by its buttons, and turned
into the spec the TOML import takes. Field names are the spec's dotted paths (steps.0.variants.1.body), so a
validation error's path names the field it belongs beside."""

import re
import string
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from aicmo.cam.campaigns.preview import MessageDraft
from aicmo.cam.campaigns.schemas import DEFAULT_CHANNELS, CampaignRead
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.templates.context import SENDER_FIELDS

WORK_DAYS = [1, 2, 3, 4, 5]
_STEP = re.compile(r"^steps\.(\d+)\.(channels|delay_hours|subject|body)$")
_VARIANT = re.compile(r"^steps\.(\d+)\.variants\.(\d+)\.(name|weight|subject|body)$")
_LISTS = ("channels", "grades", "statuses", "tags", "days")  # an error at item N of these belongs to the list


@dataclass
class VariantDraft:
    name: str = ""
    weight: str = "1"
    subject: str = ""
    body: str = ""


@dataclass
class StepDraft:
    channels: list[str] = field(default_factory=lambda: [DEFAULT_CHANNELS[0].value])
    delay_hours: str = "0"
    subject: str = ""
    body: str = ""
    variants: list[VariantDraft] = field(default_factory=list)


@dataclass
class CampaignDraft:
    name: str = ""
    description: str = ""
    grades: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: [LeadStatus.NEW.value])
    tags: str = ""
    limit: str = ""
    always: bool = False
    days: list[int] = field(default_factory=lambda: list(WORK_DAYS))
    start: str = "09:00"
    end: str = "17:00"
    timezone: str = "UTC"
    skip_holidays: bool = False
    holiday_country: str = ""
    stop_company_on_reply: bool = False
    sender: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SENDER_FIELDS, ""))
    steps: list[StepDraft] = field(default_factory=list)


def starter() -> CampaignDraft:
    """A new campaign's form: one email step with a greeting that works for a lead without a first name."""
    return CampaignDraft(grades=["A", "B"], steps=[StepDraft(
        subject="A question about {{ company }}",
        body="Hi {{ first_name | default('there') }},\n\n...\n\n{{ sender.name | default('') }}")])


def _step(steps: dict[int, StepDraft], index: str) -> StepDraft:
    return steps.setdefault(int(index), StepDraft(channels=[]))


def _steps(form: FormData) -> list[StepDraft]:
    steps: dict[int, StepDraft] = {}
    variants: dict[tuple[int, int], VariantDraft] = {}
    for key in dict.fromkeys(form.keys()):
        if found := _STEP.match(key):
            step, name = _step(steps, found[1]), found[2]
            if name == "channels":
                step.channels = [channel for channel in form.getlist(key) if isinstance(channel, str) and channel]
            else:
                setattr(step, name, _text(form, key))
        elif found := _VARIANT.match(key):
            _step(steps, found[1])
            variant = variants.setdefault((int(found[1]), int(found[2])), VariantDraft(weight=""))
            setattr(variant, found[3], _text(form, key))
    for (step_index, _), variant in sorted(variants.items()):
        steps[step_index].variants.append(variant)
    return [steps[index] for index in sorted(steps)]


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def _texts(form: FormData, key: str) -> list[str]:
    return [value for value in form.getlist(key) if isinstance(value, str)]


def from_form(form: FormData) -> CampaignDraft:
    """The form as it was posted, wrong values included, to show again."""
    return CampaignDraft(
        name=_text(form, "name"), description=_text(form, "description"),
        grades=_texts(form, "audience.grades"), statuses=_texts(form, "audience.statuses"),
        tags=_text(form, "audience.tags"), limit=_text(form, "audience.limit"),
        always=form.get("send_window.always") == "on",
        days=[int(day) for day in _texts(form, "send_window.days") if day.isdigit()],
        start=_text(form, "send_window.start"), end=_text(form, "send_window.end"),
        timezone=_text(form, "send_window.timezone"), skip_holidays=form.get("send_window.skip_holidays") == "on",
        holiday_country=_text(form, "send_window.holiday_country"),
        stop_company_on_reply=form.get("stop_company_on_reply") == "on",
        sender={name: _text(form, f"sender.{name}") for name in SENDER_FIELDS}, steps=_steps(form))


def from_campaign(campaign: CampaignRead) -> CampaignDraft:
    """A stored campaign's form, to edit."""
    window = campaign.send_window
    steps = [StepDraft(channels=[c.value for c in step.channels], delay_hours=f"{step.delay_hours:g}",
                       subject=step.subject or "", body=step.body or "",
                       variants=[VariantDraft(v.name, f"{v.weight:g}", v.subject or "", v.body) for v in step.variants])
             for step in campaign.steps]
    sender = campaign.sender.model_dump()
    return CampaignDraft(
        name=campaign.name, description=campaign.description or "",
        grades=[g.value for g in campaign.audience.grades], statuses=[s.value for s in campaign.audience.statuses],
        tags=", ".join(campaign.audience.tags), limit=str(campaign.audience.limit or ""),
        always=bool(window.get("always")), days=list(window.get("days", WORK_DAYS)),
        start=str(window.get("start", "09:00")), end=str(window.get("end", "17:00")),
        timezone=str(window.get("timezone", "UTC")), skip_holidays=bool(window.get("skip_holidays")),
        holiday_country=str(window.get("holiday_country") or ""), stop_company_on_reply=campaign.stop_company_on_reply,
        sender={name: sender.get(name) or "" for name in SENDER_FIELDS}, steps=steps)


def _some(**values: Any) -> dict[str, Any]:
    """The values given: an empty field takes the schema's default rather than being an empty value."""
    return {name: value for name, value in values.items() if value not in ("", None)}


def _window(draft: CampaignDraft) -> dict[str, Any]:
    if draft.always:
        return {"always": True}
    holidays = {"skip_holidays": True, **_some(holiday_country=draft.holiday_country)} if draft.skip_holidays else {}
    return {"days": draft.days, **_some(start=draft.start, end=draft.end, timezone=draft.timezone), **holidays}


def _step_spec(step: StepDraft) -> dict[str, Any]:
    variants = [_some(name=v.name, weight=v.weight, subject=v.subject, body=v.body) for v in step.variants]
    return {"channels": step.channels, **_some(delay_hours=step.delay_hours, subject=step.subject, body=step.body),
            "variants": variants}


def to_spec(draft: CampaignDraft) -> dict[str, Any]:
    """The spec the form describes, in the TOML import's shape, for the same validation."""
    audience = {"grades": draft.grades, "statuses": draft.statuses,
                "tags": [tag.strip() for tag in draft.tags.split(",") if tag.strip()], **_some(limit=draft.limit)}
    return {"name": draft.name, **_some(description=draft.description), "audience": audience,
            "send_window": _window(draft), "stop_company_on_reply": draft.stop_company_on_reply,
            "sender": _some(**draft.sender), "steps": [_step_spec(step) for step in draft.steps]}


def error_key(loc: str) -> str:
    """The form field a spec path's error belongs beside: an error at a list's item belongs to the list."""
    parts = loc.split(".")
    if len(parts) > 1 and parts[-1].isdigit() and parts[-2] in _LISTS:
        parts.pop()
    return ".".join(parts)


def message_drafts(draft: CampaignDraft) -> list[MessageDraft]:
    """Every text a lead could receive: each step's own, or each of its variants (subject falling back to the
    step's, as the sender does)."""
    drafts = []
    for index, step in enumerate(draft.steps):
        if not step.variants:
            drafts.append(MessageDraft(index, None, step.subject or None, step.body))
        drafts += [MessageDraft(index, v.name or f"variant {number}", v.subject or step.subject or None, v.body)
                   for number, v in enumerate(step.variants, start=1)]
    return drafts


def _next_name(step: StepDraft) -> str:
    taken = {variant.name for variant in step.variants}
    return next((letter for letter in string.ascii_lowercase if letter not in taken), str(len(taken) + 1))


def add_variant(step: StepDraft) -> None:
    """One more variant; a step's first split moves its own text into variant "a" beside a blank "b"."""
    if not step.variants and (step.body or step.subject):
        step.variants.append(VariantDraft("a", "1", step.subject, step.body))
        step.subject, step.body = "", ""
    step.variants.append(VariantDraft(_next_name(step), "1"))


def reshape(draft: CampaignDraft, action: str) -> bool:
    """Apply an add/remove button ("add_step", "remove_step:1", "add_variant:0", "remove_variant:0:1"); False when
    the action is not one of them."""
    verb, *numbers = action.split(":")
    if not all(number.isdigit() for number in numbers):
        return False
    at = [int(number) for number in numbers]
    if verb == "add_step" and not at:
        draft.steps.append(StepDraft(delay_hours="72" if draft.steps else "0"))
    elif verb == "remove_step" and len(at) == 1 and at[0] < len(draft.steps):
        del draft.steps[at[0]]
    elif verb == "add_variant" and len(at) == 1 and at[0] < len(draft.steps):
        add_variant(draft.steps[at[0]])
    elif verb == "remove_variant" and len(at) == 2 and at[0] < len(draft.steps) and at[1] < len(
            draft.steps[at[0]].variants):
        del draft.steps[at[0]].variants[at[1]]
    else:
        return False
    return True
