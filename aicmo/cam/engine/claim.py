"""Taking due messages off the queue under a lease, and returning what a stopped worker left behind.

The rule for a message found SENDING with its lease expired (its worker died between handing it to the channel
and recording the outcome): on a channel where a repeat is harmless (LinkedIn stores one task per message id)
it is sent again; on email and contact forms it is NOT re-sent, because it may have gone out: it is marked
FAILED "in doubt" for the operator to look at, and `aicmo messages retry ID` sends it again on purpose.
Re-sent email keeps its Message-ID, so receivers that drop duplicate Message-IDs show it once.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB as M
from aicmo.db.unit_of_work import checkpoint

# Channels whose send is idempotent per message id, so a send in doubt may be repeated.
IDEMPOTENT_CHANNELS = frozenset({Channel.LINKEDIN})
IN_DOUBT = "in doubt: the worker stopped while the message was with the channel; not re-sent automatically"


def claim_due(db: Session, *, owner: str, now: datetime, lease: timedelta, limit: int) -> list[str]:
    """Lease up to `limit` due messages of running campaigns (or of none) to `owner`; return their ids. Commits."""
    running = select(CampaignDB.id).where(CampaignDB.status == "running")
    due = (select(M.id).where(M.status == MessageStatus.PENDING, M.next_attempt_at <= now,
                              or_(M.campaign_id.is_(None), M.campaign_id.in_(running)))
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
        status=MessageStatus.FAILED, failed_at=now, last_error=IN_DOUBT, lease_owner=None, lease_expires_at=None,
        next_attempt_at=None, updated_at=now,
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


def next_due(db: Session) -> datetime | None:
    """When the earliest waiting message of a running campaign (or of none) falls due."""
    running = select(CampaignDB.id).where(CampaignDB.status == "running")
    return db.scalar(select(func.min(M.next_attempt_at)).where(
        M.status == MessageStatus.PENDING, M.next_attempt_at.is_not(None),
        M.campaign_id.is_(None) | M.campaign_id.in_(running)))
