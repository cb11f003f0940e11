"""The campaign page's learned channel order: a row per segment and order where the campaign learns, nothing where
it does not."""

import re

import httpx
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from tests.factories import make_lead

STEPS = [{"channels": ["email", "linkedin"], "subject": "Hi", "body": "Hello"}]


def campaign(db: Session, name: str, **learning: object) -> int:
    created = ops.create_campaign(db, {"name": name, "send_window": {"always": True}, "steps": STEPS,
                                       "channel_order": learning})
    return created.id


def test_a_learning_campaign_shows_each_segments_orders_with_their_figures(operator: httpx.Client,
                                                                           db: Session) -> None:
    ops.create_lead(db, LeadCreate(**make_lead(country="DE")))
    learning = campaign(db, "Learns", enabled=True, segment_by="country")
    ops.start_campaign(db, learning)
    page = operator.get(f"/campaigns/{learning}")
    assert page.status_code == 200 and 'id="channel-order"' in page.text
    rows = re.findall(r'<tr data-segment="([^"]*)" data-order="([^"]*)">(.*?)</tr>', page.text, re.S)
    assert sorted((segment, order) for segment, order, _ in rows) == [("de", "email,linkedin"),
                                                                      ("de", "linkedin,email")]
    assert sum(int(re.findall(r'<td class="num">(\d+)</td>', cells)[0]) for _, _, cells in rows) == 1


def test_a_campaign_that_does_not_learn_shows_no_channel_order_table(operator: httpx.Client, db: Session) -> None:
    plain = campaign(db, "Plain")
    page = operator.get(f"/campaigns/{plain}")
    assert page.status_code == 200 and 'id="channel-order"' not in page.text
