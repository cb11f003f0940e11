"""Revision 0018 gives messages a stopped worker left "failed ... in doubt" the status in_doubt (since the moment
they failed), leaves every other failure alone, and its downgrade makes them failed again. On SQLite and PostgreSQL."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, insert, select

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.db.engine import make_session_factory
from aicmo.db.migrate import downgrade, upgrade
from tests.factories import make_lead

FAILED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
IN_DOUBT = "in doubt: the worker stopped while the message was with the channel; not re-sent automatically"


def message(message_id: str, lead_id: int, last_error: str) -> dict[str, Any]:
    return {"id": message_id, "lead_id": lead_id, "sequence_step": 0, "channel_order": ["email"], "channel_index": 0,
            "channel": "email", "body": "Hi", "status": "failed", "attempts": 1, "channel_attempts": 0,
            "error_kind": "transient", "last_error": last_error, "created_at": FAILED_AT, "updated_at": FAILED_AT,
            "failed_at": FAILED_AT}


def statuses(engine: Engine) -> dict[str, tuple[str, str | None]]:
    table = Table("outreach_messages", MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        return {row.id: (row.status, row.error_kind) for row in connection.execute(select(table))}


def test_old_in_doubt_failures_become_in_doubt_and_go_back_on_downgrade(empty_database: Engine) -> None:
    upgrade(empty_database)
    with make_session_factory(empty_database)() as db:
        lead_id = ops.create_lead(db, LeadCreate(**make_lead())).id
    downgrade(empty_database, "0017")
    table = Table("outreach_messages", MetaData(), autoload_with=empty_database)
    with empty_database.begin() as connection:
        connection.execute(insert(table), [message("doubt", lead_id, IN_DOUBT),
                                           message("refused", lead_id, "temporary failure: 451 try later")])

    upgrade(empty_database, "0018")
    assert statuses(empty_database) == {"doubt": ("in_doubt", "in_doubt"), "refused": ("failed", "transient")}
    with make_session_factory(empty_database)() as db:
        [listed] = ops.list_messages_in_doubt(db)
    assert (listed.id, listed.in_doubt_at) == ("doubt", FAILED_AT)

    downgrade(empty_database, "0017")
    assert statuses(empty_database) == {"doubt": ("failed", "transient"), "refused": ("failed", "transient")}
