"""A campaign's channel-order learning settings, and the figures it shows per segment and order."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aicmo.cam.outreach.domain import Channel

SegmentAttribute = Literal["grade", "seniority", "department", "industry", "country"]


class ChannelOrderLearning(BaseModel):
    """Learn, per segment of leads, which order of the campaign's channels brings positive outcomes most often."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=False, description="Off by default: every lead gets the steps' own order.")
    segment_by: SegmentAttribute = Field(default="grade", description="The lead attribute that makes a segment.")
    orders: list[list[Channel]] = Field(default_factory=list, description=(
        "The orders to learn between; empty: every order of the channels the steps use."))
    settle_days: float = Field(default=14.0, gt=0, le=365, description=(
        "Days after a lead's last touch with nothing positive before it counts as a miss."))

    @field_validator("orders")
    @classmethod
    def _distinct(cls, orders: list[list[Channel]]) -> list[list[Channel]]:
        if len({tuple(order) for order in orders}) != len(orders):
            raise ValueError("an order is listed twice")
        return orders


class ArmRead(BaseModel):
    order: list[Channel]
    leads: int  # leads given this order
    settled: int  # of those, leads whose result is known: a positive outcome, or settle_days passed without one
    positives: int
    rate: float | None  # positives / settled
    probability_best: float
    recent_share: float  # share of the segment's leads of the last 7 days that got this order


class SegmentRead(BaseModel):
    segment: str
    leads: int
    arms: list[ArmRead]


class ChannelOrderReport(BaseModel):
    campaign_id: int
    campaign: str
    learning: ChannelOrderLearning
    segments: list[SegmentRead]

