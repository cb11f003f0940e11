"""How each sender mailbox is doing: today's sends against its cap, the deliverability guard's figures, its inbox."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.limits.rules import Period, warmup_cap, window_start
from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cam.outreach.models import MailboxDB, OutreachAttemptDB


def mailbox_state(enabled: bool, paused_at: datetime | None) -> str:
    """active, paused or disabled."""
    return "disabled" if not enabled else "paused" if paused_at is not None else "active"


def sent_today(db: Session, mailbox_id: int, now: datetime) -> int:
    """Email attempts of the mailbox sent since midnight UTC: what its daily cap counts."""
    return db.scalar(select(func.count()).select_from(OutreachAttemptDB).where(
        OutreachAttemptDB.mailbox_id == mailbox_id, OutreachAttemptDB.channel == Channel.EMAIL,
        OutreachAttemptDB.status == SendStatus.SENT,
        OutreachAttemptDB.started_at >= window_start(now, Period.DAY))) or 0


def cap_today(mailbox: MailboxDB, now: datetime) -> int:
    """The daily cap with the warm-up ramp applied."""
    return warmup_cap(mailbox.daily_cap, mailbox.warmup_start, mailbox.warmup_increment, mailbox.warmup_started_at,
                      now)


def without_computed(data: Any, computed: tuple[str, ...]) -> Any:
    """A dumped model read back: its computed fields are not input."""
    if isinstance(data, Mapping):
        return {name: value for name, value in data.items() if name not in computed}
    return data


class MailboxHealth(BaseModel):
    """How a mailbox is doing: sends today against today's cap, and its bounce and complaint rates."""

    model_config = ConfigDict(extra="forbid")

    name: str
    enabled: bool
    paused_at: datetime | None
    paused_reason: str | None
    daily_cap: int
    cap_today: int  # the daily cap with the warm-up ramp applied
    sent_today: int  # email attempts sent since midnight UTC: what the daily cap counts
    window_hours: float  # the rates below are over this many hours
    hard_bounce_rate: float
    complaint_rate: float

    @model_validator(mode="before")
    @classmethod
    def _without_computed(cls, data: Any) -> Any:
        return without_computed(data, ("paused", "state"))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> str:
        """active, paused or disabled."""
        return mailbox_state(self.enabled, self.paused_at)
