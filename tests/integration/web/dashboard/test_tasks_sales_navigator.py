"""The tasks page links a LinkedIn task's Sales Navigator lead when there is one. On SQLite and PostgreSQL."""

import asyncio

import httpx
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.cam.outreach.tasks.builders import hand_to_operator, lead_on_linkedin

SALES_LINK = "https://www.linkedin.com/sales/lead/ACwAAB1x2y3,NAME_SEARCH,q7Yz"


def test_a_linkedin_task_links_the_leads_sales_navigator_page(operator: httpx.Client, db: Session,
                                                              sessions: sessionmaker[Session]) -> None:
    lead = lead_on_linkedin(db, sales_navigator_url=SALES_LINK)
    db.commit()
    asyncio.run(hand_to_operator(sessions, lead))
    page = operator.get("/tasks")
    assert page.status_code == 200
    assert f'<a class="sales-navigator" href="{SALES_LINK}" rel="noopener noreferrer" target="_blank">' in page.text
