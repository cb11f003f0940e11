from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    subject: str | None
    message: str
    data: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
