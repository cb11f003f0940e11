from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.alerts.models import AlertDB
from aicmo.db.base import utcnow


def raise_alert(db: Session, kind: str, *, subject: str | None, message: str, data: dict[str, Any] | None = None,
                now: datetime | None = None) -> AlertDB:
    """Record something the operator must see. Never commits."""
    alert = AlertDB(kind=kind, subject=subject, message=message, data=data or {}, created_at=now or utcnow())
    db.add(alert)
    return alert


def get_all(db: Session, *, include_acknowledged: bool = False, limit: int = 100) -> list[AlertDB]:
    query = select(AlertDB).order_by(AlertDB.created_at.desc(), AlertDB.id.desc()).limit(limit)
    if not include_acknowledged:
        query = query.where(AlertDB.acknowledged_at.is_(None))
    return list(db.scalars(query))


def acknowledge(db: Session, alert_id: int, now: datetime | None = None) -> bool:
    """Mark an alert seen; False if there is no such alert. Never commits."""
    alert = db.get(AlertDB, alert_id)
    if alert is None:
        return False
    alert.acknowledged_at = alert.acknowledged_at or now or utcnow()
    return True
