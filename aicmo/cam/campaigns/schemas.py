from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aicmo.cam.channel_order.rules import campaign_channels, candidate_orders, order_problem
from aicmo.cam.channel_order.schemas import ChannelOrderLearning
from aicmo.cam.leads.enums import Grade, LeadStatus
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.sequences.windows import SendWindow

DEFAULT_CHANNELS = [Channel.EMAIL, Channel.LINKEDIN, Channel.CONTACT_FORM]


class Audience(BaseModel):
    """Which leads a campaign reaches."""

    model_config = ConfigDict(extra="forbid")

    grades: list[Grade] = Field(default_factory=list)
    statuses: list[LeadStatus] = Field(default_factory=lambda: [LeadStatus.NEW])
    tags: list[str] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1)


def _one_html(html: str | None, markdown: str | None) -> None:
    if html is not None and markdown is not None:
        raise ValueError("give the HTML part as html or as markdown, not both")
    for name, text in (("html", html), ("markdown", markdown)):
        if text is not None and not text.strip():
            raise ValueError(f"{name} is empty; leave it out for a text-only email")


class TemplateVariant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50)
    subject: str | None = None
    body: str = Field(min_length=1)
    html: str | None = Field(default=None, description="An HTML template sent beside the text, if wanted.")
    markdown: str | None = Field(default=None, description="Or the HTML part written as Markdown.")
    weight: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _html_once(self) -> "TemplateVariant":
        _one_html(self.html, self.markdown)
        return self


class SequenceStep(BaseModel):
    """One touch: where to try (in order), how long after the previous touch, and what to say."""

    model_config = ConfigDict(extra="forbid")

    channels: list[Channel] = Field(default_factory=lambda: list(DEFAULT_CHANNELS), min_length=1)
    delay_hours: float = Field(default=0.0, ge=0)
    subject: str | None = None
    body: str | None = None
    # An optional HTML part, sent with the text as multipart/alternative: an HTML template, or Markdown.
    html: str | None = Field(default=None, description="An HTML template sent beside the text, if wanted.")
    markdown: str | None = Field(default=None, description="Or the HTML part written as Markdown.")
    variants: list[TemplateVariant] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _distinct(cls, channels: list[Channel]) -> list[Channel]:
        if len(set(channels)) != len(channels):
            raise ValueError("a channel appears twice in the fallback order")
        return channels

    @model_validator(mode="after")
    def _has_text(self) -> "SequenceStep":
        if not self.body and not self.variants:
            raise ValueError("a step needs a body or variants")
        if len({v.name for v in self.variants}) != len(self.variants):
            raise ValueError("variant names must be distinct")
        _one_html(self.html, self.markdown)
        if self.variants and (self.html is not None or self.markdown is not None):
            raise ValueError("a step with variants gives each variant its own html or markdown, as each has its "
                             "own text")
        return self


class SenderProfile(BaseModel):
    """Who the messages are from, for the templates' `sender` fields."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    first_name: str | None = None
    email: str | None = None
    company: str | None = None
    title: str | None = None
    phone: str | None = None
    website: str | None = None
    signature: str | None = None


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    audience: Audience = Field(default_factory=Audience)
    steps: list[SequenceStep] = Field(min_length=1)
    # Days and hours in the lead's time zone; {"always": true} sends at any time.
    send_window: dict[str, Any] = Field(default_factory=dict)
    stop_company_on_reply: bool = False
    sender: SenderProfile = Field(default_factory=SenderProfile)
    channel_order: ChannelOrderLearning = Field(default_factory=ChannelOrderLearning)

    @field_validator("send_window")
    @classmethod
    def _valid_window(cls, window: dict[str, Any]) -> dict[str, Any]:
        if window and not window.get("always"):
            SendWindow.from_dict(window)
        return window

    @model_validator(mode="after")
    def _learnable_orders(self) -> "CampaignCreate":
        channels = campaign_channels(step.channels for step in self.steps)
        for index, order in enumerate(self.channel_order.orders):
            problem = order_problem(order, channels)
            if problem:
                raise ValueError(f"channel_order.orders.{index}: {problem}")
        if self.channel_order.enabled and len(candidate_orders(channels, self.channel_order.orders)) < 2:
            raise ValueError("channel_order.enabled: learning needs at least two channel orders to choose between; "
                             "the campaign's steps use " + ", ".join(channel.value for channel in channels))
        return self


class CampaignRead(BaseModel):
    id: int
    name: str
    description: str | None
    status: str
    audience: Audience
    steps: list[SequenceStep]
    send_window: dict[str, Any]
    stop_company_on_reply: bool
    sender: SenderProfile
    channel_order: ChannelOrderLearning
    created_at: datetime


class CampaignStats(BaseModel):
    campaign: CampaignRead
    leads: int
    by_status: dict[str, int]
    by_channel: dict[str, int]
