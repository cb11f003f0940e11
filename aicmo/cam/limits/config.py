"""Channel configuration: whether each channel sends, how much, and how it retries. Never commits."""

import difflib
from collections.abc import Mapping
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.limits.models import ChannelConfigDB
from aicmo.cam.limits.rules import DEFAULT_LIMITS, ChannelLimits
from aicmo.errors import AicmoError, InvalidField

SCOPES = ("email", "linkedin", "contact_form", "all")
SETTINGS = tuple(f.name for f in fields(ChannelLimits))
# Settings that always have a value: giving None for one is an error, not "no limit".
REQUIRED = frozenset({"enabled", "retry_base_seconds", "retry_cap_seconds", "max_retries"})
MAX_CAP = 2**31 - 1  # the columns are 32-bit integers


class UnknownChannel(AicmoError):
    def __init__(self, scope: str) -> None:
        super().__init__(f"unknown channel {scope!r}; expected one of {', '.join(SCOPES)}")
        self.scope = scope


class InvalidChannelConfig(InvalidField):
    """A channel's limits cannot be stored as given."""


class ChannelConfigRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    scope: str
    enabled: bool
    hourly_cap: int | None
    daily_cap: int | None
    weekly_cap: int | None
    domain_daily_cap: int | None
    min_lead_gap_hours: float | None
    retry_base_seconds: float
    retry_cap_seconds: float
    max_retries: int
    updated_at: datetime | None = None  # None: never changed, the defaults apply

    def limits(self) -> ChannelLimits:
        return ChannelLimits(**self.model_dump(include=set(SETTINGS)))


class ChannelConfigUpdate(BaseModel):
    """Only the fields given change; a cap given as None is removed."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    enabled: bool | None = None
    hourly_cap: int | None = Field(default=None, ge=0, le=MAX_CAP)
    daily_cap: int | None = Field(default=None, ge=0, le=MAX_CAP)
    weekly_cap: int | None = Field(default=None, ge=0, le=MAX_CAP)
    domain_daily_cap: int | None = Field(default=None, ge=0, le=MAX_CAP)
    min_lead_gap_hours: float | None = Field(default=None, ge=0)
    retry_base_seconds: float | None = Field(default=None, gt=0)
    retry_cap_seconds: float | None = Field(default=None, gt=0)
    max_retries: int | None = Field(default=None, ge=0, le=20)

    @model_validator(mode="after")
    def _required_not_none(self) -> "ChannelConfigUpdate":
        for name in sorted(REQUIRED & self.model_fields_set):
            if getattr(self, name) is None:
                raise ValueError(f"{name}: may not be empty")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(include=self.model_fields_set)


def _invalid(exc: ValidationError) -> InvalidChannelConfig:
    problems: list[tuple[str | None, str]] = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            close = difflib.get_close_matches(field, SETTINGS, n=1)
            reason = "unknown setting" + (f"; did you mean {close[0]}?" if close else "")
        else:
            reason = error["msg"].removeprefix("Value error, ")
        if field:
            problems.append((field, reason))
        else:  # a whole-model check names its field itself ("field: reason")
            named, _, said = reason.partition(": ")
            problems.append((named, said) if said else (None, reason))
    message = "; ".join(f"{field}: {reason}" if field else reason for field, reason in problems)
    first = problems[0][0] if problems else None
    return InvalidChannelConfig(first, message.removeprefix(f"{first}: ") if first else message)


def _known(scope: str) -> str:
    if scope not in SCOPES:
        raise UnknownChannel(scope)
    return scope


def _read(scope: str, row: ChannelConfigDB | None) -> ChannelConfigRead:
    if row is not None:
        return ChannelConfigRead.model_validate(row)
    return ChannelConfigRead(scope=scope, **asdict(DEFAULT_LIMITS[scope]))


def get_channel_config(db: Session, *, scope: str) -> ChannelConfigRead:
    """Read one channel's configuration, or its defaults when it was never changed."""
    return _read(_known(scope), db.get(ChannelConfigDB, scope))


def update_channel_config(db: Session, *, scope: str,
                          changes: ChannelConfigUpdate | Mapping[str, Any]) -> ChannelConfigRead:
    """Change some of one channel's settings; refuse invalid values naming the field."""
    _known(scope)
    try:
        update = changes if isinstance(changes, ChannelConfigUpdate) else ChannelConfigUpdate.model_validate(
            dict(changes))
    except ValidationError as exc:
        raise _invalid(exc) from exc
    row = db.get(ChannelConfigDB, scope)
    merged = _read(scope, row).model_dump(include=set(SETTINGS)) | update.changes()
    if merged["retry_cap_seconds"] < merged["retry_base_seconds"]:
        raise InvalidChannelConfig("retry_cap_seconds",
                                   f"must be at least retry_base_seconds ({merged['retry_base_seconds']:g})")
    if row is None:
        row = ChannelConfigDB(scope=scope)
        db.add(row)
    for name, value in merged.items():
        setattr(row, name, value)
    db.flush()
    return _read(scope, row)


def channel_limits(db: Session) -> dict[str, ChannelLimits]:
    """Every scope's limits, stored or default, in one query: what the worker enforces."""
    stored = {row.scope: row for row in db.scalars(select(ChannelConfigDB))}
    return {scope: _read(scope, stored.get(scope)).limits() for scope in SCOPES}
