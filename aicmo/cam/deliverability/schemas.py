"""The guard's thresholds as reports show them and as an operator changes them."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aicmo.errors import AicmoError


class InvalidGuardThresholds(AicmoError):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


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
        if isinstance(data, GuardThresholdsUpdate):
            return data
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or None
            raise InvalidGuardThresholds(field, error["msg"]) from None

    def changes(self) -> dict[str, float | int | None]:
        return self.model_dump(include=self.model_fields_set)
