from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from aicmo.cam.outreach.domain import Channel

Money = Annotated[Decimal, Field(ge=0, lt=10**9, decimal_places=2)]


class ChannelCostRead(BaseModel):
    channel: Channel
    per_message: Decimal  # each message the channel accepted
    per_month: Decimal  # each mailbox (email), each seat (LinkedIn), flat (contact form)
    seats: int  # LinkedIn seats paid for
    task_minutes: float  # an operator's minutes on each LinkedIn or contact-form task
    hourly_rate: Decimal  # what an hour of that operator's time costs
    updated_at: datetime | None = None  # None: never set, every cost is zero


class CostSettings(BaseModel):
    currency: str  # one per install
    channels: list[ChannelCostRead]


class ChannelCostUpdate(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    per_message: Money | None = None
    per_month: Money | None = None
    seats: Annotated[int | None, Field(ge=0, le=10_000)] = None
    task_minutes: Annotated[float | None, Field(ge=0, le=24 * 60)] = None
    hourly_rate: Money | None = None


class CostsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: Annotated[str | None, Field(min_length=3, max_length=3)] = None
    channels: dict[Channel, ChannelCostUpdate] = {}
