"""What a lead takes from another record of the same person when the two are merged together."""

from datetime import UTC, datetime

import pytest

from aicmo.cam.leads.enums import LeadStatus, LinkedInStatus
from aicmo.cam.leads.merge import join_changes

EARLY, LATE = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 2, 9, tzinfo=UTC)


def test_the_survivor_keeps_its_values_and_fills_its_gaps_from_the_other_record() -> None:
    survivor = {"title": "CTO", "phone": None, "tags": ["conference"], "custom_fields": {"team": "core"}}
    other = {"title": "Intern", "phone": "+14155550100", "tags": ["Conference", "webinar"],
             "custom_fields": {"team": "growth", "budget": "50k"}}
    assert join_changes(survivor, other) == {"phone": "+14155550100", "tags": ["conference", "webinar"],
                                             "custom_fields": {"team": "core", "budget": "50k"}}


@pytest.mark.parametrize(("ours", "theirs", "kept"), [
    (LeadStatus.NEW, LeadStatus.REPLIED, LeadStatus.REPLIED),
    (LeadStatus.CONTACTED, LeadStatus.REPLIED, LeadStatus.CONTACTED),
    (LeadStatus.MEETING, LeadStatus.UNSUBSCRIBED, LeadStatus.UNSUBSCRIBED),
    (LeadStatus.NEW, LeadStatus.DO_NOT_CONTACT, LeadStatus.DO_NOT_CONTACT),
    (LeadStatus.DO_NOT_CONTACT, LeadStatus.UNSUBSCRIBED, LeadStatus.DO_NOT_CONTACT),
    (LeadStatus.UNSUBSCRIBED, LeadStatus.NEW, LeadStatus.UNSUBSCRIBED),
])
def test_a_status_fills_only_a_new_lead_but_an_opt_out_always_carries_over(
        ours: LeadStatus, theirs: LeadStatus, kept: LeadStatus) -> None:
    assert join_changes({"status": ours}, {"status": theirs}).get("status", ours) == kept


def test_the_linkedin_state_fills_a_gap_and_the_later_outreach_is_kept() -> None:
    survivor = {"linkedin_status": LinkedInStatus.NONE, "last_outreach_at": EARLY}
    other = {"linkedin_status": LinkedInStatus.CONNECTED, "last_outreach_at": LATE}
    assert join_changes(survivor, other) == {"linkedin_status": LinkedInStatus.CONNECTED, "last_outreach_at": LATE}
    assert join_changes(other, survivor) == {}
