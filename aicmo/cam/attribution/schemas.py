from pydantic import BaseModel

from aicmo.cam.attribution.rules import Model
from aicmo.cam.outcomes.models import OutcomeKind


class AttributionRow(BaseModel):
    key: str  # a channel, "step N", "step N / variant", a campaign's name, or "(no touch)"
    outcomes: float  # the outcomes credited to it (fractions: a shared outcome is split)
    share: float  # of all outcomes
    value: dict[str, float]  # the outcomes' value credited to it, per currency


class AttributionReport(BaseModel):
    model: Model
    by: str
    kinds: list[OutcomeKind]
    lookback_days: int
    half_life_days: float
    outcomes: int  # the credits of every row add up to this
    value: dict[str, float]  # and their values to these, per currency
    rows: list[AttributionRow]
