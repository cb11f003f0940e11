"""A LinkedIn task shows the lead's Sales Navigator link beside the public profile, when an import gave one: through
the operator services, `aicmo tasks list` and the dashboard's tasks page."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from aicmo import operator_services as ops
from aicmo.bootstrap import session_factory
from aicmo.cli.main import app
from tests.integration.cam.outreach.tasks.builders import hand_to_operator, lead_on_linkedin
from tests.support.command_database import command_database

SALES_LINK = "https://www.linkedin.com/sales/lead/ACwAAB1x2y3,NAME_SEARCH,q7Yz"


def test_the_task_read_carries_the_sales_navigator_link(db: Session, sessions: sessionmaker[Session]) -> None:
    with_link = lead_on_linkedin(db, sales_navigator_url=SALES_LINK)
    without = lead_on_linkedin(db, first_name="Ann", email="ann@kedin.io", linkedin_url="linkedin.com/in/ann-k")
    db.commit()
    first = asyncio.run(hand_to_operator(sessions, with_link))
    second = asyncio.run(hand_to_operator(sessions, without))
    shown = {task.id: task.sales_navigator_url for task in ops.list_linkedin_tasks(db)}
    assert shown == {first: SALES_LINK, second: None}
    assert ops.get_linkedin_task(db, first).profile_url == "https://www.linkedin.com/in/lin-kedin/"


def test_the_tasks_command_prints_the_sales_navigator_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with command_database(tmp_path / "aicmo.db", monkeypatch, columns=200):
        sessions = session_factory()
        with sessions() as db:
            lead = lead_on_linkedin(db, sales_navigator_url=SALES_LINK)
            db.commit()
        asyncio.run(hand_to_operator(sessions, lead))
        result = CliRunner().invoke(app, ["tasks", "list"])
    assert result.exit_code == 0, result.output
    assert f"    Sales Navigator: {SALES_LINK}" in result.output.splitlines()
