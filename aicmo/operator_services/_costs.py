"""Costs per channel, and the ROI of a campaign: what it cost against what its leads brought."""

from datetime import timedelta

from sqlalchemy.orm import Session

from aicmo.cam.attribution.rules import Model
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.costs import service as costs
from aicmo.cam.costs.schemas import CostSettings, CostsUpdate
from aicmo.cam.roi.schemas import RoiReport
from aicmo.cam.roi.service import roi_report
from aicmo.errors import InvalidCost


def get_costs(db: Session) -> CostSettings:
    """Every channel's costs, in the install's one currency; a channel never set costs nothing."""
    return costs.get_all(db)


def update_costs(db: Session, changes: CostsUpdate) -> CostSettings:
    """Change some channels' costs (only the fields given) and the currency; InvalidCost names a bad field."""
    try:
        result = costs.update_all(db, changes)
    except InvalidCost:
        db.rollback()
        raise
    db.commit()
    return result


def get_roi(db: Session, *, campaign: int | str, model: Model = Model.LINEAR,
            half_life_days: float = 7.0) -> RoiReport:
    """A campaign's cost, pipeline, revenue and ROI: overall, per channel (credited by the model) and per grade."""
    if half_life_days <= 0:
        raise InvalidCost("half_life", "must be more than zero days")
    return roi_report(db, campaigns.get(db, campaign), model, half_life=timedelta(days=half_life_days))
