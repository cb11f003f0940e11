"""Channel-order learning in a campaign's definition: off unless asked for, and refused with the reason when it
cannot work."""

from typing import Any

import pytest
from pydantic import ValidationError

from aicmo.cam.campaigns.schemas import CampaignCreate
from aicmo.cam.outreach.domain import Channel


def spec(steps: list[dict[str, Any]] | None = None, **learning: Any) -> dict[str, Any]:
    return {"name": "Learns", "steps": steps or [{"channels": ["email", "linkedin"], "body": "Hi"}],
            "channel_order": learning}


def test_learning_is_off_unless_the_campaign_turns_it_on() -> None:
    campaign = CampaignCreate.model_validate({"name": "Plain", "steps": [{"body": "Hi"}]})
    assert campaign.channel_order.enabled is False
    assert campaign.channel_order.segment_by == "grade"


def test_a_campaign_turns_learning_on_by_any_attribute_the_profile_scores() -> None:
    campaign = CampaignCreate.model_validate(spec(enabled=True, segment_by="industry",
                                                  orders=[["linkedin", "email"], ["email", "linkedin"]]))
    assert campaign.channel_order.enabled and campaign.channel_order.segment_by == "industry"
    assert campaign.channel_order.orders[0] == [Channel.LINKEDIN, Channel.EMAIL]


@pytest.mark.parametrize(("learning", "steps", "reason"), [
    ({"enabled": True}, [{"channels": ["email"], "body": "Hi"}], "needs at least two channel orders"),
    ({"enabled": True, "orders": [["email", "linkedin"]]}, None, "needs at least two channel orders"),
    ({"orders": [["email", "contact_form"]]}, None, "channel_order.orders.0: the campaign's steps do not use"),
    ({"orders": [["email"]]}, None, "channel_order.orders.0: leaves out linkedin"),
    ({"orders": [["email", "linkedin"], ["email", "linkedin"]]}, None, "an order is listed twice"),
    ({"segment_by": "email"}, None, "'grade', 'seniority', 'department', 'industry' or 'country'"),
    ({"settle_days": 0}, None, "greater than 0"),
    ({"enable": True}, None, "Extra inputs are not permitted"),
])
def test_learning_that_cannot_work_is_refused_with_the_reason(learning: dict[str, Any],
                                                               steps: list[dict[str, Any]] | None,
                                                               reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        CampaignCreate.model_validate(spec(steps, **learning))
