"""The ROI report: money in the install's currency (units, to the cent), counts, and ratios that are None when
there is nothing to divide by."""

from datetime import date

from pydantic import BaseModel

from aicmo.cam.attribution.rules import Model


class RoiFigures(BaseModel):
    cost: float
    pipeline: float  # open opportunities' value
    revenue: float  # won deals' value
    meetings: float  # credited by the model per channel, so fractions there
    won: float
    roi: float | None  # (revenue - cost) / cost
    cost_per_meeting: float | None
    cost_per_won: float | None


class ChannelRoi(RoiFigures):
    channel: str  # a channel, or "(no touch)" for outcomes nothing reached within the lookback
    messages: int  # attempts the channel accepted
    units: int  # mailboxes sent from (email), LinkedIn seats, 1 for a contact-form tool's monthly fee
    tasks: int  # steps an operator carried out by hand
    messages_cost: float
    monthly_cost: float
    tasks_cost: float


class GradeRoi(BaseModel):
    grade: str  # A to D, or "(ungraded)"
    leads: int
    meetings_or_better: int  # leads with a meeting, an opportunity or a won deal
    conversion: float | None  # meetings_or_better / leads
    pipeline: float
    revenue: float
    revenue_per_1000_leads: float | None


class RoiReport(BaseModel):
    campaign_id: int
    campaign: str
    model: Model
    currency: str
    first_day: date | None  # of the campaign's attempts; monthly costs are prorated over these days
    last_day: date | None
    active_days: int
    leads: int  # the leads the campaign wrote to
    total: RoiFigures
    revenue_per_1000_leads: float | None
    channels: list[ChannelRoi]
    grades: list[GradeRoi]
    scored_leads: int  # leads with a score, which the AUC reads
    score_auc: float | None  # chance a lead with a meeting or better scored above one without; 0.5 is chance
    other_currencies: list[str]  # outcome values in other currencies, left out of every figure
