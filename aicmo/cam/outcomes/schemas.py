from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, computed_field

from aicmo.cam.outcomes.models import OutcomeKind


class OutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    kind: OutcomeKind
    value: Annotated[Decimal | None, Field(ge=0, lt=10**13, decimal_places=2)] = None
    currency: Annotated[str | None, Field(min_length=3, max_length=3)] = None
    occurred_at: datetime | None = None  # now when not given; a time without zone is read as UTC
    external_id: Annotated[str | None, Field(max_length=200)] = None  # the CRM's deal id: sending it again updates
    note: Annotated[str | None, Field(max_length=2000)] = None


class OutcomeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    kind: OutcomeKind
    value_cents: int | None
    currency: str | None
    occurred_at: datetime
    source: str
    external_id: str | None
    message_id: str | None
    note: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> Decimal | None:
        return None if self.value_cents is None else Decimal(self.value_cents) / 100


class RejectedRow(BaseModel):
    line: int
    reason: str


class OutcomeImportResult(BaseModel):
    read: int
    added: int
    updated: int  # rows whose deal id was imported before
    rejected: list[RejectedRow]
