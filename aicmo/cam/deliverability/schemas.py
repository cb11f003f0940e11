"""The guard's thresholds as reports show them and as an operator changes them."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aicmo.errors import InvalidField, validated


class InvalidGuardThresholds(InvalidField):
    """The guard's thresholds cannot be stored as given."""


class GuardThresholds(BaseModel):
    """The thresholds the deliverability guard applies (stored, or from the AICMO_GUARD_* settings)."""

    model_config = ConfigDict(extra="forbid")

    bounce_rate: float
    complaint_rate: float
    policy_rate: float
    min_sends: int
    window_sends: int
    window_hours: float


class GuardThresholdsUpdate(BaseModel):
    """Only the thresholds given change; one given as None goes back to its AICMO_GUARD_* setting."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    bounce_rate: float | None = Field(default=None, ge=0, le=1)
    complaint_rate: float | None = Field(default=None, ge=0, le=1)
    policy_rate: float | None = Field(default=None, ge=0, le=1)
    min_sends: int | None = Field(default=None, ge=0, le=2**31 - 1)
    window_sends: int | None = Field(default=None, gt=0, le=2**31 - 1)
    window_hours: float | None = Field(default=None, gt=0, le=24 * 366)

    @classmethod
    def checked(cls, data: "GuardThresholdsUpdate | dict[str, Any]") -> "GuardThresholdsUpdate":
        """The update, or InvalidGuardThresholds naming the first field at fault."""
        return validated(cls, data, InvalidGuardThresholds)

    def changes(self) -> dict[str, float | int | None]:
        return self.model_dump(include=self.model_fields_set)
