"""Revision 0011 moves the LinkedIn and contact-form tasks into the one operator_tasks table, and its downgrade moves
them back: every row and every field kept, ids taken in both tables told apart, and what names a moved form task
(its attempts, its task.created payloads) following it. On SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, MetaData, Table, insert, select

from aicmo import operator_services as ops
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB
from aicmo.cam.outreach.tasks import store
from aicmo.cam.outreach.tasks.models import TaskKind, TaskStatus
from aicmo.cam.webhooks.models import WebhookDeliveryDB
from aicmo.db.engine import make_session_factory
from aicmo.db.migrate import downgrade, upgrade
from tests.factories import make_lead

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROFILE = "https://www.linkedin.com/in/jane-doe/"
FORM = "https://acme.io/contact"


def rows(engine: Engine, name: str) -> list[dict[str, Any]]:
    """The table's rows by id, each moment in UTC without its zone (SQLite keeps none)."""
    found = Table(name, MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        return [{key: value.astimezone(UTC).replace(tzinfo=None) if isinstance(value, datetime) and value.tzinfo
                 else value for key, value in row.items()}
                for row in connection.execute(select(found).order_by(found.c.id)).mappings()]


def linkedin(task_id: int, lead_id: int, **fields: Any) -> dict[str, Any]:
    return {"id": task_id, "lead_id": lead_id, "campaign_id": None, "message_id": f"li-{task_id}",
            "kind": "connection_request", "provider": "tasks", "profile_url": PROFILE, "note": f"Hi Jane {task_id}",
            "status": "open", "external_id": None, "detail": None, "created_at": T0 + timedelta(minutes=task_id),
            "completed_at": None} | fields


def form(task_id: int, lead_id: int, **fields: Any) -> dict[str, Any]:
    return {"id": task_id, "lead_id": lead_id, "campaign_id": None, "message_id": f"form-{task_id}",
            "form_url": FORM, "reason": "reCAPTCHA v2 on the form", "subject": "Quick question",
            "body": f"Hello {task_id}", "status": "open", "detail": None,
            "created_at": T0 + timedelta(hours=1, minutes=task_id), "completed_at": None} | fields


def as_operator_task(row: dict[str, Any], kind: str, new_id: int) -> dict[str, Any]:
    """The row of operator_tasks a task of the old tables becomes."""
    common = {key: row[key] for key in ("lead_id", "campaign_id", "message_id", "status", "detail", "created_at",
                                        "completed_at")} | {"id": new_id, "kind": kind}
    if kind == "linkedin":
        return common | {"action": row["kind"], "provider": row["provider"], "url": row["profile_url"],
                         "reason": None, "subject": None, "body": row["note"], "external_id": row["external_id"]}
    return common | {"action": None, "provider": None, "url": row["form_url"], "reason": row["reason"],
                     "subject": row["subject"], "body": row["body"], "external_id": None}


def store_at_0010(engine: Engine, linkedin_tasks: list[dict[str, Any]], form_tasks: list[dict[str, Any]],
                  references: list[str]) -> None:
    """The tasks as the two tables held them, an attempt naming each reference, and a task.created event per task."""
    with engine.begin() as connection:
        for name, values in (("linkedin_tasks", linkedin_tasks), ("contact_form_tasks", form_tasks)):
            if values:
                connection.execute(insert(Table(name, MetaData(), autoload_with=engine)), values)
    with make_session_factory(engine)() as db:
        subscription = ops.create_webhook_subscription(db, "https://crm.example.com/hooks", ["task.created"])
        lead_id = (linkedin_tasks or form_tasks)[0]["lead_id"]
        db.add_all(OutreachAttemptDB(lead_id=lead_id, channel=Channel.CONTACT_FORM, status=SendStatus.SENT,
                                     provider_message_id=reference, started_at=T0) for reference in references)
        announced = [*((task, "connection_request") for task in linkedin_tasks),
                     *((task, "contact_form") for task in form_tasks)]
        db.add_all(WebhookDeliveryDB(subscription_id=subscription.id, event_id=f"e-{n}", event="task.created",
                                     payload={"task": {"id": task["id"], "kind": kind}}, created_at=T0)
                   for n, (task, kind) in enumerate(announced))
        db.commit()


def stored_lead(engine: Engine) -> int:
    """A lead stored through the service, which knows today's lead columns only, then the schema taken back to 0011."""
    upgrade(engine)
    with make_session_factory(engine)() as db:
        lead_id = ops.create_lead(db, LeadCreate(**make_lead())).id
    downgrade(engine, "0011")
    return lead_id


def names(engine: Engine) -> tuple[list[str | None], list[tuple[str, int]]]:
    """What names a task: the attempts' provider message ids, the task.created payloads' (kind, id)."""
    with make_session_factory(engine)() as db:
        attempts = list(db.scalars(select(OutreachAttemptDB.provider_message_id).order_by(OutreachAttemptDB.id)))
        payloads = [(payload["task"]["kind"], payload["task"]["id"]) for payload in db.scalars(
            select(WebhookDeliveryDB.payload).order_by(WebhookDeliveryDB.id))]
    return attempts, payloads


def add_form_task(engine: Engine, lead_id: int) -> int:
    """A contact-form task stored as the channel stores one; its id."""
    with make_session_factory(engine)() as db:
        lead = db.get(LeadDB, lead_id)
        assert lead is not None
        task = store.add(db, lead, TaskKind.FORM, message_id="new", campaign_id=None, url=FORM, body="Hi",
                         reason="JavaScript-only form")
        db.commit()
        return task.id


def test_ids_taken_in_both_tables_move_the_forms_after_every_id_and_the_downgrade_keeps_the_ids_they_got(
        empty_database: Engine) -> None:
    upgrade(empty_database, "0011")
    lead = stored_lead(empty_database)
    linkedin_tasks = [linkedin(1, lead), linkedin(2, lead, kind="message", provider="webhook", status="done",
                                                  external_id="job-7", detail="sent", completed_at=T0)]
    form_tasks = [form(1, lead, status="done", detail="sent it", completed_at=T0), form(2, lead, subject=None),
                  form(3, lead, status="cancelled", detail="the lead replied", completed_at=T0)]
    store_at_0010(empty_database, linkedin_tasks, form_tasks, ["form-task:1", "form-task:3", "task:2"])
    before = {"linkedin": rows(empty_database, "linkedin_tasks"), "form": rows(empty_database, "contact_form_tasks")}

    upgrade(empty_database)  # 0012, and the later revisions the services below read through

    assert rows(empty_database, "operator_tasks") == [  # the forms after 3, the highest id either table had
        *(as_operator_task(row, "linkedin", row["id"]) for row in before["linkedin"]),
        *(as_operator_task(row, "form", row["id"] + 3) for row in before["form"])]
    assert names(empty_database) == (["form-task:4", "form-task:6", "task:2"], [
        ("connection_request", 1), ("connection_request", 2), ("contact_form", 4), ("contact_form", 5),
        ("contact_form", 6)])
    with make_session_factory(empty_database)() as db:
        assert [(task.id, task.task_kind, task.status) for task in ops.list_tasks(db, status=None)] == [
            (1, TaskKind.LINKEDIN, TaskStatus.OPEN), (2, TaskKind.LINKEDIN, TaskStatus.DONE),
            (4, TaskKind.FORM, TaskStatus.DONE), (5, TaskKind.FORM, TaskStatus.OPEN),
            (6, TaskKind.FORM, TaskStatus.CANCELLED)]
    assert add_form_task(empty_database, lead) == 7  # new tasks are numbered after the moved ones

    downgrade(empty_database, "0011")

    assert rows(empty_database, "linkedin_tasks") == before["linkedin"]
    back = rows(empty_database, "contact_form_tasks")
    assert back[:3] == [row | {"id": row["id"] + 3} for row in before["form"]]
    assert [(row["id"], row["message_id"], row["reason"]) for row in back[3:]] == [(7, "new", "JavaScript-only form")]
    assert names(empty_database)[0] == ["form-task:4", "form-task:6", "task:2"]
    with empty_database.begin() as connection:  # each table numbers new rows after the ones moved back
        for name, values, expected in (("linkedin_tasks", linkedin(0, lead), 3), ("contact_form_tasks", form(0, lead),
                                                                                    8)):
            values.pop("id")
            added = connection.execute(insert(Table(name, MetaData(), autoload_with=empty_database)), values)
            assert added.inserted_primary_key is not None and added.inserted_primary_key[0] == expected


def test_ids_no_two_tasks_share_are_kept_and_a_round_trip_gives_back_the_same_rows(empty_database: Engine) -> None:
    upgrade(empty_database, "0011")
    lead = stored_lead(empty_database)
    store_at_0010(empty_database, [linkedin(1, lead), linkedin(2, lead)], [form(3, lead), form(5, lead)],
                  ["form-task:3", "task:1"])
    before = [rows(empty_database, name) for name in ("linkedin_tasks", "contact_form_tasks")]
    named = names(empty_database)

    upgrade(empty_database, "0012")

    assert [row["id"] for row in rows(empty_database, "operator_tasks")] == [1, 2, 3, 5]
    assert names(empty_database) == named
    downgrade(empty_database, "0011")
    assert [rows(empty_database, name) for name in ("linkedin_tasks", "contact_form_tasks")] == before
    upgrade(empty_database, "0012")
    assert [row["id"] for row in rows(empty_database, "operator_tasks")] == [1, 2, 3, 5]
