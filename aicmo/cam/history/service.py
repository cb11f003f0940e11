"""A campaign's history: what was decided about it, when and why. Never commits."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.history.models import CampaignEventDB


class CampaignEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    summary: str
    data: dict[str, Any]


def record(db: Session, campaign_id: int, kind: str, summary: str, *, at: datetime,
           data: dict[str, Any] | None = None) -> CampaignEventDB:
    """Add a decision to the campaign's history."""
    event = CampaignEventDB(campaign_id=campaign_id, kind=kind, summary=summary, at=at, data=data or {})
    db.add(event)
    return event


def get_all(db: Session, campaign_id: int, *, kind_prefix: str | None = None,
            limit: int = 200) -> list[CampaignEventRead]:
    """The campaign's history, oldest first (the latest `limit` entries)."""
    query = select(CampaignEventDB).where(CampaignEventDB.campaign_id == campaign_id)
    if kind_prefix is not None:
        query = query.where(CampaignEventDB.kind.startswith(kind_prefix, autoescape=True))
    rows = db.scalars(query.order_by(CampaignEventDB.at.desc(), CampaignEventDB.id.desc()).limit(limit))
    return [CampaignEventRead.model_validate(row) for row in reversed(list(rows))]
