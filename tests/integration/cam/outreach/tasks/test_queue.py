"""One queue for every kind of operator task: LinkedIn steps and contact forms listed together oldest first, the kind
a filter, ids unique across kinds, and each closed through one path that records its own channel's attempt."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LeadStatus, LinkedInStatus
from aicmo.cam.leads.schemas import LeadUpdate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.tasks.models import TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.schemas import ContactFormTaskRead, LinkedInTaskRead
from aicmo.db.base import utcnow
from aicmo.errors import FormTaskAlreadyClosed, FormTaskNotFound, TaskAlreadyClosed, TaskNotFound
from tests.integration.cam.outreach.tasks.builders import (
    BODY,
    hand_to_operator,
    lead_behind_captcha,
    lead_on_linkedin,
    leave_to_operator,
)
from tests.support.form_site import FormSite


@pytest.fixture
async def both(db: Session, sessions: sessionmaker[Session], site: FormSite) -> tuple[int, int]:
    """A contact form left to the operator, then a LinkedIn step handed to them: (form task, LinkedIn task)."""
    form = await leave_to_operator(sessions, lead_behind_captcha(db, site))
    linkedin = await hand_to_operator(sessions, lead_on_linkedin(db))
    return form, linkedin


def history(db: Session, lead_id: int) -> list[tuple[Channel, SendStatus, str | None, str | None]]:
    return [(a.channel, a.status, a.detail, a.provider_message_id) for a in ops.get_outreach_history(db, lead_id)]


def test_every_kind_is_listed_oldest_first_each_in_its_shape_and_the_kind_filters(
        db: Session, both: tuple[int, int]) -> None:
    form, linkedin = both

    listed = ops.list_tasks(db)
    assert [(task.id, task.task_kind) for task in listed] == [(form, TaskKind.FORM), (linkedin, TaskKind.LINKEDIN)]
    assert isinstance(listed[0], ContactFormTaskRead) and isinstance(listed[1], LinkedInTaskRead)
    assert (listed[0].body, listed[1].note, listed[1].profile_url) == (
        BODY, "Hi Lin, let's connect", "https://www.linkedin.com/in/lin-kedin/")
    assert [task.id for task in ops.list_tasks(db, kind=TaskKind.FORM)] == [form]
    assert [task.id for task in ops.list_tasks(db, kind=TaskKind.LINKEDIN, status=TaskStatus.OPEN)] == [linkedin]
    assert ops.list_tasks(db, status=TaskStatus.DONE) == []
    assert [task.id for task in ops.list_tasks(db, limit=1, offset=1)] == [linkedin]


def test_a_task_is_found_by_its_id_alone_and_not_when_another_kind_is_asked_for(
        db: Session, both: tuple[int, int]) -> None:
    form, linkedin = both

    assert (ops.get_task(db, form).task_kind, ops.get_task(db, linkedin).task_kind) == (
        TaskKind.FORM, TaskKind.LINKEDIN)
    with pytest.raises(FormTaskNotFound, match=f"^contact-form task {linkedin} not found$"):
        ops.get_task(db, linkedin, TaskKind.FORM)
    with pytest.raises(TaskNotFound, match=f"^LinkedIn task {form} not found$"):
        ops.get_task(db, form, TaskKind.LINKEDIN)
    with pytest.raises(TaskNotFound, match="^task 999 not found$"):
        ops.complete_task(db, 999, True)


def test_one_completion_path_records_each_kind_as_an_attempt_of_its_channel(
        db: Session, both: tuple[int, int]) -> None:
    form, linkedin = both

    form_done = ops.complete_task(db, form, True, "sent from the browser")
    linkedin_done = ops.complete_task(db, linkedin, True)

    assert (form_done.status, linkedin_done.status) == (TaskStatus.DONE, TaskStatus.DONE)
    assert history(db, form_done.lead_id) == [
        (Channel.CONTACT_FORM, SendStatus.SENT, "sent by hand: sent from the browser", f"form-task:{form}")]
    assert history(db, linkedin_done.lead_id) == [(Channel.LINKEDIN, SendStatus.SENT, None, f"task:{linkedin}")]
    assert ops.get_lead(db, form_done.lead_id).status is LeadStatus.CONTACTED
    assert ops.get_lead(db, linkedin_done.lead_id).linkedin_status is LinkedInStatus.REQUEST_PENDING


async def test_failing_a_linkedin_step_sends_its_message_on_and_failing_a_form_leaves_its_message_be(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    now = utcnow()
    by_linkedin = messages.create(db, lead_id=lead_on_linkedin(db).id, body="Hi Lin", subject=None, now=now,
                                  channels=[Channel.LINKEDIN, Channel.EMAIL])
    reached_by_email = messages.create(db, lead_id=lead_behind_captcha(db, site).id, body=BODY, subject="Hi",
                                       now=now, channels=[Channel.CONTACT_FORM, Channel.EMAIL])
    messages.set_status(by_linkedin, MessageStatus.SENT, now)  # handed over, waiting on the step
    reached_by_email.channel_index, reached_by_email.channel = 1, Channel.EMAIL
    messages.set_status(reached_by_email, MessageStatus.SENT, now)  # the form was left, the email went out
    db.commit()
    linkedin = await hand_to_operator(sessions, ops.get_lead(db, by_linkedin.lead_id), message_id=by_linkedin.id)
    form = await leave_to_operator(sessions, ops.get_lead(db, reached_by_email.lead_id), id=reached_by_email.id)

    ops.fail_task(db, linkedin, "profile gone")
    ops.fail_task(db, form)

    db.expire_all()
    moved_on = ops.get_message(db, by_linkedin.id)
    assert (moved_on.status, moved_on.channel, moved_on.last_error) == (
        MessageStatus.PENDING, Channel.EMAIL, "profile gone")
    assert ops.get_message(db, reached_by_email.id).status is MessageStatus.SENT
    assert ops.get_form_task(db, form).detail == "could not be sent by hand"


async def test_a_message_gone_from_linkedin_to_its_contact_form_may_leave_a_task_of_each_kind(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    lead = lead_behind_captcha(db, site, linkedin_url="https://www.linkedin.com/in/jane-doe")
    linkedin = await hand_to_operator(sessions, lead, message_id="m-1")
    form = await leave_to_operator(sessions, lead, id="m-1")

    assert linkedin != form
    assert [(task.task_kind, task.message_id) for task in ops.list_tasks(db)] == [
        (TaskKind.LINKEDIN, "m-1"), (TaskKind.FORM, "m-1")]
    assert await hand_to_operator(sessions, lead, message_id="m-1") == linkedin  # one of each kind, not two


def test_a_closed_task_says_so_in_the_words_of_its_kind(db: Session, both: tuple[int, int]) -> None:
    form, linkedin = both
    ops.complete_task(db, form, True)
    ops.fail_task(db, linkedin, "profile gone")

    with pytest.raises(FormTaskAlreadyClosed, match=f"^contact-form task {form} is already done$"):
        ops.fail_task(db, form)
    db.rollback()
    with pytest.raises(TaskAlreadyClosed, match=f"^LinkedIn task {linkedin} is already failed$"):
        ops.complete_task(db, linkedin, True)
    db.rollback()
    assert [task.status for task in ops.list_tasks(db, status=None)] == [TaskStatus.DONE, TaskStatus.FAILED]


async def test_a_stopped_lead_has_its_open_tasks_of_every_kind_cancelled(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    lead = lead_behind_captcha(db, site, linkedin_url="https://www.linkedin.com/in/jane-doe")
    form = await leave_to_operator(sessions, lead)
    linkedin = await hand_to_operator(sessions, lead)
    other = await hand_to_operator(sessions, lead_on_linkedin(db))

    ops.update_lead(db, lead.id, LeadUpdate(status="do_not_contact"))

    assert [(task.id, task.status) for task in ops.list_tasks(db, status=None)] == [
        (form, TaskStatus.CANCELLED), (linkedin, TaskStatus.CANCELLED), (other, TaskStatus.OPEN)]
