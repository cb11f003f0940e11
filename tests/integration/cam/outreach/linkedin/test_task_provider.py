"""The default provider on SQLite and PostgreSQL: each step waits as a task the operator completes."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel, ErrorKind, OutreachMessage, SendStatus
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.service import connection_requests_since
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskStatus
from aicmo.db.base import utcnow
from aicmo.errors import TaskAlreadyClosed, TaskNotFound
from tests.integration.cam.outreach.linkedin.stored import attempts, linkedin_status, tasks

NewLead = Callable[..., LeadRead]
LONG_NOTE = "Hi Jane, " + "I enjoyed your talk on scaling outbound sales teams without losing the personal touch. " * 5


def message(lead: LeadRead, body: str = "Hi Jane, great to meet you at the summit.") -> OutreachMessage:
    return OutreachMessage(lead_id=lead.id, body=body, channel=Channel.LINKEDIN)


async def test_a_stranger_gets_a_connection_request_task_with_the_note_cut_to_the_limit(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead(company_name="Acme Robotics")
    result = await channel.send(message(lead, LONG_NOTE), lead)

    [task] = tasks(db)
    assert result.status is SendStatus.PENDING and result.ok
    assert result.provider_message_id == f"task:{task.id}"
    assert result.target == lead.linkedin_url
    assert task.kind is LinkedInTaskKind.CONNECTION_REQUEST and task.provider == "tasks"
    assert len(task.note) <= 300 and LONG_NOTE.startswith(task.note) and LONG_NOTE[len(task.note)] == " "
    [listed] = ops.list_linkedin_tasks(db, status=TaskStatus.OPEN)
    assert (listed.id, listed.lead_name, listed.company, listed.profile_url, listed.note) == (
        task.id, lead.full_name, "Acme Robotics", lead.linkedin_url, task.note)


async def test_a_connection_gets_a_message_task_with_the_whole_body(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    ops.set_linkedin_status(db, lead.id, LinkedInStatus.CONNECTED)
    result = await channel.send(message(lead, LONG_NOTE), lead)

    [task] = tasks(db)
    assert result.status is SendStatus.PENDING
    assert task.kind is LinkedInTaskKind.MESSAGE and task.note == LONG_NOTE


async def test_resending_a_message_after_a_crash_returns_the_same_task(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    first = message(lead)
    results = [await channel.send(first, lead), await channel.send(first, lead)]
    results += await asyncio.gather(*(channel.send(first, lead) for _ in range(4)))

    assert len(tasks(db)) == 1
    assert {result.provider_message_id for result in results} == {f"task:{tasks(db)[0].id}"}
    assert all(result.status is SendStatus.PENDING for result in results)


async def test_concurrent_first_sends_of_one_message_store_one_task(
        sessions: sessionmaker[Session], new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    once = message(lead)
    # Separate channel instances, as separate worker processes would have.
    others = [LinkedInOutreachService(sessions, TaskProvider()) for _ in range(5)]
    results = await asyncio.gather(*(other.send(once, lead) for other in others))

    assert len(tasks(db)) == 1
    assert len({result.provider_message_id for result in results}) == 1


async def test_done_connection_request_marks_the_lead_request_pending_and_records_a_sent_attempt(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    sent = message(lead)
    result = await channel.send(sent, lead)
    [task] = tasks(db)

    done = ops.complete_linkedin_task(db, task.id, True, "sent from my phone")

    assert done.status is TaskStatus.DONE and done.completed_at is not None
    assert done.detail == "sent from my phone"
    assert linkedin_status(db, lead.id) is LinkedInStatus.REQUEST_PENDING
    [attempt] = attempts(db)
    assert (attempt.status, attempt.channel, attempt.message_id, attempt.lead_id) == (
        SendStatus.SENT, Channel.LINKEDIN, sent.id, lead.id)
    assert attempt.provider_message_id == result.provider_message_id and attempt.target == lead.linkedin_url
    status = await channel.check_status(result.provider_message_id or "")
    assert status is not None and status.status is SendStatus.SENT
    assert await channel.check_connection_status(lead) is LinkedInStatus.REQUEST_PENDING
    assert ops.get_lead(db, lead.id).last_outreach_at is not None


async def test_done_message_marks_the_lead_messaged(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    ops.set_linkedin_status(db, lead.id, LinkedInStatus.CONNECTED)
    await channel.send(message(lead), lead)

    ops.complete_linkedin_task(db, tasks(db)[0].id, True)

    assert linkedin_status(db, lead.id) is LinkedInStatus.MESSAGED


async def test_failed_task_records_a_channel_failed_attempt_and_leaves_the_lead_as_it_was(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    result = await channel.send(message(lead), lead)
    [task] = tasks(db)

    failed = ops.complete_linkedin_task(db, task.id, False, "profile no longer exists")

    assert failed.status is TaskStatus.FAILED and failed.detail == "profile no longer exists"
    assert linkedin_status(db, lead.id) is LinkedInStatus.NONE
    [attempt] = attempts(db)
    assert (attempt.status, attempt.error_kind, attempt.detail) == (
        SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, "profile no longer exists")
    status = await channel.check_status(result.provider_message_id or "")
    assert status is not None and status.error_kind is ErrorKind.CHANNEL_FAILED


async def test_resending_a_completed_message_reports_its_outcome_without_a_new_task(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    sent = message(lead)
    await channel.send(sent, lead)
    ops.complete_linkedin_task(db, tasks(db)[0].id, True)

    again = await channel.send(sent, lead)

    assert again.status is SendStatus.SENT and len(tasks(db)) == 1


async def test_completing_a_missing_or_closed_task_is_refused(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    await channel.send(message(lead), lead)
    task_id = tasks(db)[0].id
    ops.complete_linkedin_task(db, task_id, True)

    with pytest.raises(TaskNotFound, match="task 999 not found"):
        ops.complete_linkedin_task(db, 999, True)
    db.rollback()
    with pytest.raises(TaskAlreadyClosed, match=f"task {task_id} is already done"):
        ops.complete_linkedin_task(db, task_id, False, "too late")
    db.rollback()
    assert len(attempts(db)) == 1 and tasks(db)[0].status is TaskStatus.DONE


async def test_does_not_invite_a_lead_whose_request_is_pending_or_declined(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    pending, declined = new_lead(), new_lead()
    ops.set_linkedin_status(db, pending.id, LinkedInStatus.REQUEST_PENDING)
    declined = ops.set_linkedin_status(db, declined.id, LinkedInStatus.DECLINED)

    waiting = await channel.send(message(pending), pending)
    refused = await channel.send(message(declined), declined)

    assert (waiting.status, waiting.error_kind) == (SendStatus.FAILED, ErrorKind.TRANSIENT)
    assert (refused.status, refused.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)
    assert channel.can_reach(declined) == "the lead declined the connection request"
    assert tasks(db) == []


async def test_cannot_reach_a_lead_without_a_profile(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead(linkedin_url=None)

    result = await channel.send(message(lead), lead)

    assert channel.can_reach(lead) == "no LinkedIn profile URL"
    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)
    assert channel.can_reach(new_lead()) is None
    assert tasks(db) == []


async def test_an_explicit_connection_request_uses_the_given_note_and_message_id(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    ops.set_linkedin_status(db, lead.id, LinkedInStatus.CONNECTED)

    result = await channel.send_connection_request(lead, "Let's connect, " + "x" * 400, message_id="m-1")
    again = await channel.send_connection_request(lead, "another note", message_id="m-1")
    other = await channel.send_connection_request(lead, "a note")

    [task, second] = tasks(db)
    assert task.kind is LinkedInTaskKind.CONNECTION_REQUEST and task.message_id == "m-1"
    assert task.note == "Let's connect"  # the over-long word goes, and the comma with it
    assert again.provider_message_id == result.provider_message_id != other.provider_message_id
    assert second.message_id and second.note == "a note"


async def test_check_status_knows_only_its_own_tasks(channel: LinkedInOutreachService) -> None:
    assert await channel.check_status("task:424242") is None
    assert await channel.check_status("<abc@mail.example>") is None


async def test_lists_tasks_by_status_oldest_first_a_page_at_a_time(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    leads = [new_lead() for _ in range(4)]
    for lead in leads:
        await channel.send(message(lead), lead)
    ids = [task.id for task in tasks(db)]
    ops.complete_linkedin_task(db, ids[0], True)
    ops.complete_linkedin_task(db, ids[1], False, "gone")

    assert [t.id for t in ops.list_linkedin_tasks(db, status=TaskStatus.OPEN)] == ids[2:]
    assert [t.id for t in ops.list_linkedin_tasks(db, status=TaskStatus.DONE)] == ids[:1]
    assert [t.id for t in ops.list_linkedin_tasks(db)] == ids
    assert [t.id for t in ops.list_linkedin_tasks(db, limit=2, offset=1)] == ids[1:3]
    assert ops.get_linkedin_task(db, ids[1]).detail == "gone"


async def test_counts_connection_requests_for_the_weekly_cap(
        channel: LinkedInOutreachService, new_lead: NewLead, db: Session) -> None:
    start = utcnow() - timedelta(seconds=1)
    invited = [new_lead() for _ in range(3)]
    for lead in invited:
        await channel.send(message(lead), lead)
    connected = new_lead()
    ops.set_linkedin_status(db, connected.id, LinkedInStatus.CONNECTED)
    await channel.send(message(connected), connected)  # a message: not a request
    ops.complete_linkedin_task(db, tasks(db)[0].id, True)
    ops.complete_linkedin_task(db, tasks(db)[1].id, False, "never sent")

    assert connection_requests_since(db, start) == 2
    assert connection_requests_since(db, utcnow() + timedelta(seconds=1)) == 0
