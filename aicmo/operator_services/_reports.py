"""Reports: which channels, steps, variants and campaigns earned the outcomes."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from aicmo.cam.analytics.version import DataVersion, data_version
from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By, Scope, attribution
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeKind
from aicmo.errors import InvalidOutcome


def get_attribution(db: Session, *, campaign: int | str | None = None, model: Model = Model.LINEAR,
                    by: By = By.CHANNEL, kinds: Iterable[OutcomeKind] = MEETING_OR_BETTER,
                    lookback_days: int = 90, half_life_days: float = 7.0, since: datetime | None = None,
                    until: datetime | None = None) -> AttributionReport:
    """Outcomes (meetings or better unless `kinds` says) credited by the model to what touched their leads within
    the lookback; of the leads one campaign wrote to, or of every lead."""
    if lookback_days < 1 or half_life_days <= 0:
        raise InvalidOutcome("lookback" if lookback_days < 1 else "half_life", "must be more than zero days")
    campaign_id = campaigns.get(db, campaign).id if campaign is not None else None
    scope = Scope(campaign_id=campaign_id, kinds=frozenset(kinds) or MEETING_OR_BETTER,
                  lookback=timedelta(days=lookback_days), since=since, until=until)
    return attribution(db, scope, model, by, half_life=timedelta(days=half_life_days))


def get_data_version(db: Session) -> DataVersion:
    """A fingerprint of the rows reports count: it moves with every new send, event, reply and outcome."""
    return data_version(db)
