"""Every mailbox at a glance for `aicmo mailboxes status`, the API and the dashboard: its state, today's sends
against today's cap, the windows the deliverability guard judges it by, and its inbox's last poll."""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.deliverability.guard import thresholds, windows
from aicmo.cam.deliverability.rules import Thresholds, judged
from aicmo.cam.deliverability.schemas import GuardThresholds
from aicmo.cam.inbox.models import InboxStateDB
from aicmo.cam.outreach.email.status import cap_today, mailbox_state, sent_today, without_computed
from aicmo.cam.outreach.email.store import unreadable_secrets
from aicmo.cam.outreach.models import MailboxDB
from aicmo.settings import Settings


class GuardWindow(BaseModel):
    """A window the deliverability guard judges a mailbox by, and which rates it holds against the mailbox: above
    the threshold on at least the minimum number of sends, exactly as the guard decides."""

    model_config = ConfigDict(extra="forbid")

    label: str  # e.g. "last 200 sends", "last 24 h"
    sends: int
    bounces: int
    complaints: int
    policy_refusals: int = 0
    bounce_rate: float
    complaint_rate: float
    policy_rate: float = 0.0
    bounce_rate_over: bool
    complaint_rate_over: bool
    policy_rate_over: bool = False


class MailboxStatus(BaseModel):
    """One mailbox at a glance: its state, today's sends against today's cap, the guard's windows, its inbox."""

    model_config = ConfigDict(extra="forbid")

    name: str
    enabled: bool
    paused_at: datetime | None
    paused_reason: str | None
    sent_today: int
    cap_today: int
    windows: list[GuardWindow]
    thresholds: GuardThresholds | None = None  # those the guard applies to it
    imap_host: str | None  # None: its replies and bounces are not read
    imap_port: int | None
    imap_folder: str
    last_polled_at: datetime | None  # of imap_folder; None: never read
    last_error: str | None  # of the last poll; None once a poll succeeds
    unreadable_secrets: list[str] = []  # stored secrets no configured key decrypts: the mailbox cannot send

    @model_validator(mode="before")
    @classmethod
    def _without_computed(cls, data: Any) -> Any:
        return without_computed(data, ("state", "inbox"))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> str:
        """active, paused or disabled."""
        return mailbox_state(self.enabled, self.paused_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def inbox(self) -> bool:
        """Whether replies and bounces are read from it over IMAP."""
        return self.imap_host is not None


def _windows(db: Session, mailbox_id: int, limits: Thresholds, now: datetime) -> list[GuardWindow]:
    rows = []
    for w in windows(db, mailbox_id, limits, now):
        over = judged(w, limits)
        rows.append(GuardWindow(label=w.label, sends=w.sends, bounces=w.bounces, complaints=w.complaints,
                                policy_refusals=w.policy_refusals, bounce_rate=w.bounce_rate,
                                complaint_rate=w.complaint_rate, policy_rate=w.policy_rate,
                                bounce_rate_over=over.bounce, complaint_rate_over=over.complaint,
                                policy_rate_over=over.policy))
    return rows


def mailbox_status(db: Session, *, settings: Settings, now: datetime) -> list[MailboxStatus]:
    """Every mailbox, in the order they were added, with the figures the guard pauses it by and its inbox's state."""
    polls = {(state.mailbox_id, state.folder): state for state in db.scalars(select(InboxStateDB))}
    limits = thresholds(db, settings)
    applied = GuardThresholds(**asdict(limits))
    statuses = []
    for mailbox in db.scalars(select(MailboxDB).order_by(MailboxDB.id)):
        poll = polls.get((mailbox.id, mailbox.imap_folder))
        statuses.append(MailboxStatus(
            name=mailbox.name, enabled=mailbox.enabled, paused_at=mailbox.paused_at,
            paused_reason=mailbox.paused_reason, sent_today=sent_today(db, mailbox.id, now),
            cap_today=cap_today(mailbox, now), windows=_windows(db, mailbox.id, limits, now), thresholds=applied,
            imap_host=mailbox.imap_host, imap_port=mailbox.imap_port, imap_folder=mailbox.imap_folder,
            last_polled_at=poll.last_polled_at if poll else None, last_error=poll.last_error if poll else None,
            unreadable_secrets=unreadable_secrets(mailbox)))
    return statuses
