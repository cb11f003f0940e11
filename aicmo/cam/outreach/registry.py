"""Channel adapters found by their Channel: adding a channel is a new adapter file and one register call."""

from collections.abc import Iterable, Iterator

from aicmo.cam.outreach.base import OutreachServiceBase
from aicmo.cam.outreach.domain import Channel


class ChannelRegistry:
    def __init__(self, services: Iterable[OutreachServiceBase] = ()) -> None:
        self._services: dict[Channel, OutreachServiceBase] = {}
        for service in services:
            self.register(service)

    def register(self, service: OutreachServiceBase) -> None:
        self._services[service.channel] = service

    def get(self, channel: Channel) -> OutreachServiceBase | None:
        return self._services.get(channel)

    def __contains__(self, channel: object) -> bool:
        return channel in self._services

    def __iter__(self) -> Iterator[OutreachServiceBase]:
        return iter(self._services.values())

    async def aclose(self) -> None:
        for service in self._services.values():
            await service.aclose()
