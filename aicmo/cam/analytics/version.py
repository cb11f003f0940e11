"""How far the figures have come: a cheap fingerprint of the rows reports count, to tell a cached report is stale."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.outcomes.models import OutcomeDB
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachAttemptDB

DataVersion = tuple[int, ...]


def data_version(db: Session) -> DataVersion:
    """The newest attempt, delivery event, inbound message and outcome, and the number of outcomes (one can be
    removed): read from the primary-key indexes in one round trip. A message written is tried at once, so its
    attempt moves the version; a row changed in place (a task marked done, a lead regraded) does not."""
    newest = [select(func.coalesce(func.max(table.id), 0)).scalar_subquery()
              for table in (OutreachAttemptDB, DeliveryEventDB, InboundMessageDB, OutcomeDB)]
    counted = select(func.count()).select_from(OutcomeDB).scalar_subquery()
    return tuple(int(value) for value in db.execute(select(*newest, counted)).one())
