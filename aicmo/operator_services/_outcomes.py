"""Outcomes: meetings, deals and positive replies, entered by hand, imported from a CRM, or read from replies."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.inbox.schemas import InboundRead
from aicmo.cam.leads.readers import RawRow, open_lead_file
from aicmo.cam.outcomes import service as outcomes
from aicmo.cam.outcomes.importing import import_rows
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate, OutcomeImportResult, OutcomeRead
from aicmo.errors import AicmoError, ImportFileError, InvalidOutcome
from aicmo.settings import get_settings

CRM = "crm"  # deal ids from files and from the webhook share one namespace unless a source is named
_ANSWERS = (InboundKind.REPLY, InboundKind.AUTO_REPLY, InboundKind.UNSUBSCRIBE)


def add_outcome(db: Session, data: OutcomeCreate, *, source: str = "manual") -> OutcomeRead:
    """Record what came of a lead (a meeting, an open deal, a won or lost one); with a known external id, update it."""
    at = data.occurred_at
    row = outcomes.add(db, lead_id=data.lead_id, kind=data.kind, value_cents=outcomes.cents(data.value),
                       currency=outcomes.currency_code(data.currency), source=source, external_id=data.external_id,
                       note=data.note, occurred_at=at if at is None or at.tzinfo else at.replace(tzinfo=UTC))
    db.commit()
    return OutcomeRead.model_validate(row)


def list_outcomes(db: Session, *, lead_id: int | None = None, kinds: list[OutcomeKind] | None = None,
                  campaign_id: int | None = None, since: datetime | None = None,
                  limit: int = 100) -> list[OutcomeRead]:
    """Outcomes, newest first: of one lead, of some kinds, of the leads one campaign wrote to."""
    rows = outcomes.get_all(db, lead_id=lead_id, kinds=kinds or (), campaign_id=campaign_id, since=since, limit=limit)
    return [OutcomeRead.model_validate(row) for row in rows]


def remove_outcome(db: Session, outcome_id: int) -> None:
    """Erase an outcome entered by mistake; OutcomeNotFound when there is none."""
    outcomes.remove(db, outcome_id)
    db.commit()


def import_outcomes(db: Session, path: Path | str, *, source: str = CRM,
                    default_currency: str | None = None) -> OutcomeImportResult:
    """Import a CRM deals export (CSV, JSON or JSON Lines): the readable rows in one transaction, the others listed
    with their line and reason. ImportFileError when the file as a whole cannot be read; then nothing is written."""
    currency = outcomes.currency_code(default_currency)
    try:
        with open_lead_file(path, max_depth=get_settings().import_json_max_depth) as file:
            if file.bad_lines:  # a deal's amount or stage read with a replaced byte would be a guess: refuse
                raise ImportFileError(f"{file.path.name} line {file.bad_lines[0]} is not valid UTF-8; re-save the "
                                      "file as UTF-8")
            result = import_rows(db, file.headers, file.rows(), source=source, default_currency=currency)
    except AicmoError:
        db.rollback()
        raise
    db.commit()
    return result


def take_crm_deals(db: Session, deals: list[dict[str, str]], *, source: str = CRM) -> OutcomeImportResult:
    """Deals a CRM pushed (the webhook): read as the rows of an import, in one transaction."""
    headers = list(dict.fromkeys(key for deal in deals for key in deal))
    result = import_rows(db, headers, (RawRow(number, deal) for number, deal in enumerate(deals, 1)), source=source)
    db.commit()
    return result


def set_reply_intent(db: Session, inbound_id: int, intent: ReplyIntent) -> InboundRead:
    """Correct what a reply was read as; a reply set to positive becomes a positive-reply outcome, and one set
    otherwise stops being one."""
    record = db.get(InboundMessageDB, inbound_id)
    if record is None or record.lead_id is None or record.kind not in _ANSWERS:
        raise InvalidOutcome("inbound", f"incoming message {inbound_id} is not a lead's reply")
    record.intent, record.intent_corrected = intent, True
    if intent is ReplyIntent.POSITIVE:
        outcomes.record_positive_reply(db, lead_id=record.lead_id, inbound_id=record.id,
                                       message_id=record.message_id, at=record.received_at)
    else:
        outcomes.forget_positive_reply(db, record.id)
    db.commit()
    return InboundRead.model_validate(record)
