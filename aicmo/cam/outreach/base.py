"""The one interface every outreach channel implements."""

from abc import ABC, abstractmethod
from typing import ClassVar

from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel, OutreachMessage, SendResult


class OutreachServiceBase(ABC):
    channel: ClassVar[Channel]

    @abstractmethod
    async def send(self, message: OutreachMessage, lead: LeadRead) -> SendResult:
        """Deliver one message; a delivery problem is returned as a failed result, never raised."""

    @abstractmethod
    async def check_status(self, provider_message_id: str) -> SendResult | None:
        """What is known now of a message sent earlier, or None if nothing is."""

    def can_reach(self, lead: LeadRead) -> str | None:
        """None if this channel has what it needs to reach the lead, else the reason it has not."""
        return None

    async def aclose(self) -> None:
        """Release connections held across sends."""
        return None
