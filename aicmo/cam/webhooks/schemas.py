"""What subscriptions and deliveries look like to the CLI and the API; the signing secret only in `…Created`."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aicmo.cam.webhooks.events import WebhookEvent
from aicmo.errors import AicmoError, InvalidField


class InvalidWebhookSubscription(InvalidField):
    """An outgoing webhook cannot be stored as given."""


class WebhookSubscriptionNotFound(AicmoError):
    def __init__(self, subscription_id: int) -> None:
        super().__init__(f"webhook subscription {subscription_id} not found")
        self.subscription_id = subscription_id


class WebhookDeliveryNotFound(AicmoError):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"webhook delivery {delivery_id} not found")
        self.delivery_id = delivery_id


HTTP_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+"


class WebhookSubscriptionCreate(BaseModel):
    url: str = Field(max_length=2000, pattern=HTTP_URL, description="An http(s) URL the events are POSTed to.")
    events: list[WebhookEvent] = Field(min_length=1, description="The events this subscription receives.")
    description: str | None = Field(default=None, max_length=1000)


class WebhookSubscriptionUpdate(BaseModel):
    """The fields to change; a field left out stays as it is."""

    url: str | None = Field(default=None, max_length=2000, pattern=HTTP_URL)
    events: list[WebhookEvent] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=1000)
    active: bool | None = Field(default=None, description="false pauses deliveries, true resumes them.")


class WebhookSubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    secret: str = Field(description="Signs every delivery (X-Aicmo-Signature); shown only in this answer.")


class WebhookDeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subscription_id: int
    event_id: str
    event: str
    payload: dict[str, Any]
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
