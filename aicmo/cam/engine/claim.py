"""Taking due messages off the queue under a lease, and returning what a stopped worker left behind.

The rule for a message found SENDING with its lease expired (its worker died between handing it to the channel
and recording the outcome): on a channel where a repeat is harmless (LinkedIn stores one task per message id)
it is sent again; on email and contact forms it is NOT re-sent, because it may have gone out: it is marked
IN_DOUBT for the operator to settle (`aicmo messages resolve ID --delivered | --resend | --drop`).
A worker renews the leases of the messages in its hands while their sends run, however long a server takes.
Messages of running campaigns (or of none) are taken, and messages the operator asked to send again (retried_at)
whatever their campaign's state, except a paused one.
Re-sent email keeps its Message-ID, so receivers that drop duplicate Message-IDs show it once.
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB as M
from aicmo.db.unit_of_work import checkpoint

# Channels whose send is idempotent per message id, so a send in doubt may be repeated.
IDEMPOTENT_CHANNELS = frozenset({Channel.LINKEDIN})
IN_DOUBT = "in doubt: the worker stopped while the message was with the channel; not re-sent automatically"


def _servable() -> ColumnElement[bool]:
    """Messages a worker may take: of no campaign, of a running one, or asked for again by the operator."""
    running = select(CampaignDB.id).where(CampaignDB.status == "running")
    paused = select(CampaignDB.id).where(CampaignDB.status == "paused")
    return or_(M.campaign_id.is_(None), M.campaign_id.in_(running),
               and_(M.retried_at.is_not(None), M.campaign_id.not_in(paused)))


def claim_due(db: Session, *, owner: str, now: datetime, lease: timedelta, limit: int) -> list[str]:
    """Lease up to `limit` due messages a worker may serve to `owner`; return their ids. Commits."""
    due = (select(M.id).where(M.status == MessageStatus.PENDING, M.next_attempt_at <= now, _servable())
           .order_by(M.next_attempt_at).limit(limit)
           # Racing workers on PostgreSQL each take different rows; SQLite has one writer at a time anyway.
           .with_for_update(skip_locked=True, of=M))
    claimed = db.scalars(
        update(M).where(M.id.in_(due.scalar_subquery()), M.status == MessageStatus.PENDING)
        .values(status=MessageStatus.QUEUED, lease_owner=owner, lease_expires_at=now + lease, queued_at=now,
                updated_at=now)
        .returning(M.id).execution_options(synchronize_session=False)).all()
    checkpoint(db)
    return list(claimed)


def recover_expired(db: Session, now: datetime) -> tuple[int, int]:
    """Requeue messages whose worker vanished; return (requeued, marked in doubt). Commits."""
    expired = M.lease_expires_at < now
    never_sent = or_(M.status == MessageStatus.QUEUED,
                     and_(M.status == MessageStatus.SENDING, M.channel.in_(IDEMPOTENT_CHANNELS)))
    requeued = db.execute(update(M).where(expired, never_sent).values(
        status=MessageStatus.PENDING, lease_owner=None, lease_expires_at=None, next_attempt_at=now, updated_at=now,
    ).execution_options(synchronize_session=False))
    doubtful = db.execute(update(M).where(expired, M.status == MessageStatus.SENDING).values(
        status=MessageStatus.IN_DOUBT, in_doubt_at=now, error_kind=ErrorKind.IN_DOUBT, last_error=IN_DOUBT,
        lease_owner=None, lease_expires_at=None, next_attempt_at=None, updated_at=now,
    ).execution_options(synchronize_session=False))
    checkpoint(db)
    return int(getattr(requeued, "rowcount", 0) or 0), int(getattr(doubtful, "rowcount", 0) or 0)


def release(db: Session, *, owner: str, now: datetime) -> int:
    """Give back messages this worker claimed but never handed to a channel (graceful stop). Commits."""
    result = db.execute(update(M).where(M.lease_owner == owner, M.status == MessageStatus.QUEUED).values(
        status=MessageStatus.PENDING, lease_owner=None, lease_expires_at=None, updated_at=now,
    ).execution_options(synchronize_session=False))
    checkpoint(db)
    return int(getattr(result, "rowcount", 0) or 0)


def renew_leases(db: Session, *, owner: str, now: datetime, lease: timedelta) -> int:
    """Extend the leases of the messages `owner` holds, claimed or with a channel; return how many. Commits."""
    result = db.execute(update(M).where(M.lease_owner == owner, M.status.in_(
        (MessageStatus.QUEUED, MessageStatus.SENDING))).values(lease_expires_at=now + lease)
        .execution_options(synchronize_session=False))
    checkpoint(db)
    return int(getattr(result, "rowcount", 0) or 0)


def next_due(db: Session) -> datetime | None:
    """When the earliest waiting message a worker may serve falls due."""
    return db.scalar(select(func.min(M.next_attempt_at)).where(
        M.status == MessageStatus.PENDING, M.next_attempt_at.is_not(None), _servable()))
