import math
from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aicmo.cam.experiments.rules import WinnerRule
from aicmo.cam.outreach.domain import Channel

MIN_VARIANTS, MAX_VARIANTS = 2, 5
OPENS_REFUSED = ("opens are not a goal: Apple Mail Privacy Protection fetches every image on delivery, so an "
                 "email reads as opened whether or not anyone read it; choose positive_reply, meeting or reply")


class Goal(StrEnum):
    POSITIVE_REPLY = "positive_reply"  # a reply the inbox reads as interested (or marked so by hand)
    MEETING = "meeting"  # a meeting, opportunity or won deal recorded for the lead after the step was sent
    REPLY = "reply"  # any human reply (auto-replies and bounces are not replies)


class Kind(StrEnum):
    """What the variants change in the step."""

    SUBJECT = "subject"
    BODY = "body"
    LINKEDIN_NOTE = "linkedin_note"  # the body, as the note of a step that goes to LinkedIn
    CHANNEL_ORDER = "channel_order"


class AutoWinner(StrEnum):
    OFF = "off"  # the figures are shown; nobody is told and nothing changes
    NOTIFY = "notify"  # an alert and an `experiment.winner` webhook event when the rule holds
    APPLY = "apply"  # that, and every later lead gets the winner


class Allocation(StrEnum):
    FIXED = "fixed"  # by the variants' weights
    THOMPSON = "thompson"  # by each variant's probability to be best, recomputed at every review


class ExperimentVariant(BaseModel):
    """One arm: what it changes in the step (unset fields keep the step's), and its share of the leads."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50)
    weight: float = 1.0
    subject: str | None = None
    body: str | None = None
    channels: list[Channel] | None = None

    @field_validator("weight")
    @classmethod
    def _weight(cls, weight: float) -> float:
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"a weight is a finite number of zero or more, not {weight}")
        return weight

    @field_validator("channels")
    @classmethod
    def _order(cls, channels: list[Channel] | None) -> list[Channel] | None:
        if channels is not None and (not channels or len(set(channels)) != len(channels)):
            raise ValueError("a channel order lists each channel at most once, and at least one")
        return channels


class RuleSettings(BaseModel):
    """Changes to the default winner rule."""

    model_config = ConfigDict(extra="forbid")

    min_probability_best: float | None = None
    max_expected_loss: float | None = None
    min_sample: int | None = None
    alpha: float | None = None
    expected_rate: float | None = None
    mde: float | None = None
    power: float | None = None

    def rule(self) -> WinnerRule:
        return WinnerRule(**self.model_dump(exclude_none=True))

    @model_validator(mode="after")
    def _valid(self) -> "RuleSettings":
        self.rule()  # ValueError names the setting out of range
        return self


RULE_FIELDS = tuple(f.name for f in fields(WinnerRule))


class ExperimentCreate(BaseModel):
    """An experiment on one step (counted from 1). Without variants, the step's own A/B variants are tested."""

    model_config = ConfigDict(extra="forbid")

    step: int = Field(ge=1)
    kind: Kind = Kind.BODY
    goal: str = Goal.POSITIVE_REPLY.value
    variants: list[ExperimentVariant] = Field(default_factory=list)
    auto_winner: AutoWinner = AutoWinner.OFF
    allocation: Allocation = Allocation.FIXED
    rule: RuleSettings = Field(default_factory=RuleSettings)

    @field_validator("goal")
    @classmethod
    def _goal(cls, goal: str) -> str:
        value = goal.strip().lower()
        if value in ("open", "opens", "open_rate"):
            raise ValueError(OPENS_REFUSED)
        if value not in {g.value for g in Goal}:
            raise ValueError(f"unknown goal {goal!r}: choose positive_reply (the default), meeting or reply")
        return value


class VariantFigures(BaseModel):
    name: str
    control: bool
    weight: float
    sends: int
    goals: int
    rate: float
    rate_low: float
    rate_high: float
    probability_best: float
    probability_beats_control: float | None
    expected_loss: float
    uplift_low: float | None  # relative to control, 95% credible
    uplift_high: float | None
    always_valid_p: float | None
    decision: str  # winner, control, -, or the variant's standing


class ExperimentRead(BaseModel):
    id: int
    campaign_id: int
    step: int  # from 1
    kind: Kind
    goal: Goal
    auto_winner: AutoWinner
    allocation: Allocation
    rule: dict[str, Any]
    status: str
    winner: str | None
    decided_at: datetime | None
    reason: str | None
    sample_needed: int  # sends per variant the always-valid test needs to detect the rule's uplift
    sample_remaining: int  # of those, still to send to the variant furthest behind
    variants: list[VariantFigures]
    created_at: datetime
