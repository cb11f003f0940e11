from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from aicmo.cam.outreach.forms.channel import ContactFormOutreachService
from tests.integration.cam.outreach.forms.factories import SENDER, ServiceFactory, local_settings
from tests.support.form_site import FormSite


@pytest.fixture
def site() -> Iterator[FormSite]:
    with FormSite() as running:
        yield running



@pytest.fixture
async def service_factory() -> AsyncIterator[ServiceFactory]:
    made: list[ContactFormOutreachService] = []

    def make(**settings: Any) -> ContactFormOutreachService:
        options = {k: settings.pop(k) for k in ("sessions", "trusted_networks") if k in settings}
        service = ContactFormOutreachService(SENDER, settings=local_settings(**settings), **options)
        made.append(service)
        return service

    yield make
    for service in made:
        await service.aclose()


@pytest.fixture
def service(service_factory: ServiceFactory) -> ContactFormOutreachService:
    return service_factory()
