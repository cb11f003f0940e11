"""The channel adapters, each in its channel's folder, are importable from aicmo.cam.outreach by the names the spec
gives them."""

import pytest

from aicmo.cam import outreach
from aicmo.cam.outreach.domain import Channel

ADAPTERS = [("EmailOutreachService", Channel.EMAIL, "email"), ("LinkedInOutreachService", Channel.LINKEDIN, "linkedin"),
            ("ContactFormOutreachService", Channel.CONTACT_FORM, "forms")]


@pytest.mark.parametrize(("name", "channel", "folder"), ADAPTERS, ids=[name for name, _, _ in ADAPTERS])
def test_each_adapter_is_found_by_name_on_the_package_and_lives_in_its_channels_folder(
        name: str, channel: Channel, folder: str) -> None:
    adapter = getattr(outreach, name)
    assert adapter.channel is channel
    assert adapter.__module__ == f"aicmo.cam.outreach.{folder}.channel"
    assert name in outreach.__all__


def test_a_name_the_package_does_not_have_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'SmsOutreachService'"):
        _ = outreach.SmsOutreachService
