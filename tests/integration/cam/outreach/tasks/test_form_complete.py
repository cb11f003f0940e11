"""A form sent by hand counts as a contact-form send to the lead; one that could not be sent is a failed attempt."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.outreach.domain import Channel, ErrorKind, SendStatus
from aicmo.cam.outreach.tasks.models import TaskStatus
from aicmo.errors import FormTaskAlreadyClosed, FormTaskNotFound
from tests.integration.cam.outreach.forms.factories import ServiceFactory
from tests.integration.cam.outreach.tasks.builders import lead_behind_captcha, leave_to_operator
from tests.support.form_site import FormSite


async def test_done_records_a_contact_form_send_that_the_cap_and_the_timeline_count(
        db: Session, sessions: sessionmaker[Session], site: FormSite, service_factory: ServiceFactory) -> None:
    lead = lead_behind_captcha(db, site)
    task_id = await leave_to_operator(sessions, lead)
    channel = service_factory(sessions=sessions)
    assert channel.get_submission_count("127.0.0.1") == 0

    task = ops.complete_form_task(db, task_id, True, "pasted it, ticked the CAPTCHA")

    assert (task.status, task.detail) == (TaskStatus.DONE, "pasted it, ticked the CAPTCHA")
    assert task.completed_at is not None
    assert channel.get_submission_count("127.0.0.1") == 1
    sent = ops.get_outreach_history(db, lead.id)[-1]
    assert (sent.channel, sent.status, sent.target, sent.message_id) == (
        Channel.CONTACT_FORM, SendStatus.SENT, site.url("/contact"), task.message_id)
    timeline = ops.get_lead_timeline(db, lead.id)
    assert [(e.kind, e.outcome, e.detail) for e in timeline][-1] == (
        "contact_form", "sent", "sent by hand: pasted it, ticked the CAPTCHA")
    stored = ops.get_lead(db, lead.id)
    assert stored.last_outreach_at == task.completed_at and stored.status is LeadStatus.CONTACTED


async def test_failed_records_a_failed_attempt_and_leaves_the_lead_uncontacted(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    lead = lead_behind_captcha(db, site)
    task_id = await leave_to_operator(sessions, lead)

    task = ops.fail_form_task(db, task_id, "the form rejects foreign phone numbers")

    assert (task.status, task.detail) == (TaskStatus.FAILED, "the form rejects foreign phone numbers")
    failed = ops.get_outreach_history(db, lead.id)[-1]
    assert (failed.channel, failed.status, failed.error_kind, failed.detail) == (
        Channel.CONTACT_FORM, SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, "the form rejects foreign phone numbers")
    stored = ops.get_lead(db, lead.id)
    assert (stored.last_outreach_at, stored.status) == (None, LeadStatus.NEW)


async def test_a_closed_task_cannot_be_closed_again_and_an_unknown_one_is_not_found(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    lead = lead_behind_captcha(db, site)
    task_id = await leave_to_operator(sessions, lead)
    ops.complete_form_task(db, task_id, True)

    with pytest.raises(FormTaskAlreadyClosed, match=f"contact-form task {task_id} is already done"):
        ops.complete_form_task(db, task_id, False, "changed my mind")
    db.rollback()
    with pytest.raises(FormTaskNotFound):
        ops.fail_form_task(db, task_id + 1)
    assert ops.get_form_task(db, task_id).status is TaskStatus.DONE
    assert [a.status for a in ops.get_outreach_history(db, lead.id)] == [SendStatus.SENT]  # the send by hand only
