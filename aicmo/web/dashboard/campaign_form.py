"""The campaign form: create or edit a campaign field by field, with what a chosen lead would receive beside it."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from aicmo import operator_services as ops
from aicmo.cam.campaigns.preview import MessagePreview
from aicmo.cam.campaigns.schemas import CampaignRead
from aicmo.cam.leads.enums import Grade, LeadStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.templates.context import SENDER_FIELDS
from aicmo.web.dashboard.campaign_draft import (
    CampaignDraft,
    error_key,
    from_campaign,
    from_form,
    message_drafts,
    reshape,
    starter,
    to_spec,
)
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
LEAD_CHOICES = 200  # leads offered to preview with, by name; more would make the list unusable anyway
DAYS = ((1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun"))
Errors = dict[str, list[str]]


async def posted_form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def _label(lead: LeadRead) -> str:
    name = " ".join(filter(None, (lead.first_name, lead.last_name))) or f"lead {lead.id}"
    return name + (f" · {lead.company_name}" if lead.company_name else "")


def _lead_choices(db: Session, chosen: object) -> tuple[list[tuple[int, str]], int | None]:
    """The leads offered by name, the one chosen among them (asked for by id, even past the list), or the first."""
    choices = [(lead.id, _label(lead)) for lead in ops.list_leads(db, page_size=LEAD_CHOICES, sort="name").items]
    if not (isinstance(chosen, str) and chosen.isdigit()):
        return choices, choices[0][0] if choices else None
    lead_id = int(chosen)
    if lead_id not in {id_ for id_, _ in choices}:
        try:
            choices.insert(0, (lead_id, _label(ops.get_lead(db, lead_id))))
        except ops.LeadNotFound:
            return choices, choices[0][0] if choices else None
    return choices, lead_id


def _preview(db: Session, draft: CampaignDraft, lead_id: int | None) -> list[MessagePreview]:
    if lead_id is None:
        return []
    return ops.preview_campaign_messages(db, lead_id, message_drafts(draft), draft.sender)


def _form_page(request: Request, db: Session, draft: CampaignDraft, *, lead: object = None,
               errors: Errors | None = None, campaign: CampaignRead | None = None, status: int = 200) -> HTMLResponse:
    choices, lead_id = _lead_choices(db, lead)
    return page(request, "campaign_form.html", status=status, draft=draft, errors=errors or {}, campaign=campaign,
                leads=choices, lead_id=lead_id, previews=_preview(db, draft, lead_id), grades=[g.value for g in Grade],
                statuses=[s.value for s in LeadStatus], channels=[c.value for c in Channel], days=DAYS,
                sender_fields=SENDER_FIELDS)


def _errors(found: list[tuple[str, str]]) -> Errors:
    errors: Errors = defaultdict(list)
    for loc, reason in found:
        errors[error_key(loc)].append(reason)
    return dict(errors)


@router.get("/campaigns/new", response_class=HTMLResponse)
def new_campaign(request: Request, db: DbDep, key: KeyDep, lead: str = "") -> HTMLResponse:
    """Show the form for a new campaign, with what the first lead (or the one chosen) would receive."""
    return _form_page(request, db, starter(), lead=lead)


def _submitted(request: Request, db: Session, form: FormData, campaign: CampaignRead | None,
               store: Callable[[dict[str, Any]], tuple[CampaignRead, str]]) -> Response:
    """Save the form with `store` when its "save" button sent it and it is valid, else show it again: reshaped by
    the add/remove button pressed, or with each problem beside its field and nothing stored."""
    draft, action, lead = from_form(form), str(form.get("action", "preview")), form.get("preview_lead")
    if action != "save":
        reshape(draft, action)
        return _form_page(request, db, draft, lead=lead, campaign=campaign)
    spec = to_spec(draft)
    found = ops.check_campaign(spec)
    if not found:
        try:
            saved, message = store(spec)
        except ops.InvalidCampaign as exc:  # what only the database knows: a name taken, a paused sequence's shape
            db.rollback()
            found = [(exc.field or "name", exc.reason)]
        else:
            flash(request, message)
            return back_to(request, f"/campaigns/{saved.id}")
    return _form_page(request, db, draft, lead=lead, errors=_errors(found), campaign=campaign, status=422)


@router.post("/campaigns/new", response_class=HTMLResponse, dependencies=[CsrfDep])
def create_from_form(request: Request, db: DbDep, key: KeyDep, form: FormDep) -> Response:
    """Create a draft campaign from the form; its other buttons add or remove steps and variants, or refresh the
    preview, and store nothing."""
    def store(spec: dict[str, Any]) -> tuple[CampaignRead, str]:
        created = ops.create_campaign(db, spec)
        return created, f"Campaign {created.name!r} created as a draft: start it when ready."

    return _submitted(request, db, form, None, store)


def _editable(request: Request, db: Session, campaign_id: int) -> CampaignRead | None:
    campaign = ops.get_campaign(db, campaign_id)
    if campaign.status not in ("draft", "paused"):
        flash(request, f"Campaign {campaign.name!r} is {campaign.status}: only a draft or a paused campaign can be "
                       f"edited" + (" (pause it first)." if campaign.status == "running" else "."), "error")
        return None
    return campaign


@router.get("/campaigns/{campaign_id}/edit", response_class=HTMLResponse)
def edit_campaign(request: Request, db: DbDep, key: KeyDep, campaign_id: int, lead: str = "") -> Response:
    """Show a draft or paused campaign in the form, to change it."""
    campaign = _editable(request, db, campaign_id)
    if campaign is None:
        return back_to(request, f"/campaigns/{campaign_id}")
    return _form_page(request, db, from_campaign(campaign), lead=lead, campaign=campaign)


@router.post("/campaigns/{campaign_id}/edit", response_class=HTMLResponse, dependencies=[CsrfDep])
def update_from_form(request: Request, db: DbDep, key: KeyDep, campaign_id: int, form: FormDep) -> Response:
    """Save the form over a draft campaign (a paused one keeps its steps and variant names); its other buttons
    store nothing."""
    campaign = _editable(request, db, campaign_id)
    if campaign is None:
        return back_to(request, f"/campaigns/{campaign_id}")

    def store(spec: dict[str, Any]) -> tuple[CampaignRead, str]:
        updated = ops.update_campaign(db, campaign_id, spec)
        return updated, f"Campaign {updated.name!r} saved."

    return _submitted(request, db, form, campaign, store)


@router.post("/campaigns/preview", dependencies=[CsrfDep])
def preview(db: DbDep, key: KeyDep, form: FormDep) -> JSONResponse:
    """What the chosen lead would receive from each step and variant of the form as it stands, as JSON."""
    lead = form.get("preview_lead")
    if not (isinstance(lead, str) and lead.isdigit()):
        return JSONResponse({"messages": [], "error": "Choose a lead to preview the messages for."})
    try:
        previews = _preview(db, from_form(form), int(lead))
    except ops.LeadNotFound:
        return JSONResponse({"messages": [], "error": f"Lead {lead} does not exist."}, status_code=404)
    return JSONResponse({"messages": [asdict(p) for p in previews], "error": None})
