"""The tasks page: LinkedIn steps and contact forms to send by hand on one page, a kind filter, Done / Failed buttons;
the contact forms' own address of before leads there. On SQLite and PostgreSQL."""

import asyncio
import html
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import Channel, OutreachMessage, SendStatus
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.tasks.models import TaskStatus
from tests.factories import make_lead
from tests.integration.cam.outreach.tasks.builders import BODY, SUBJECT, lead_behind_captcha, leave_to_operator
from tests.integration.web.dashboard.support import submit
from tests.support.form_site import FormSite

NOTE = "Hi Lin, glad to connect."


@pytest.fixture
def site() -> Iterator[FormSite]:
    with FormSite() as running:
        yield running


@pytest.fixture
def task_id(db: Session, sessions: sessionmaker[Session], site: FormSite) -> int:
    """An open task the contact-form channel left for Jane Doe's CAPTCHA form."""
    return asyncio.run(leave_to_operator(sessions, lead_behind_captcha(db, site)))


@pytest.fixture
def linkedin_task(db: Session, sessions: sessionmaker[Session], task_id: int) -> int:
    """An open connection request to Lin Kedin, handed to the operator after the form task."""
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name="Lin", last_name="Kedin", email="lin@kedin.io",
                                                      linkedin_url="https://www.linkedin.com/in/lin-kedin")))
    channel = LinkedInOutreachService(sessions, TaskProvider())
    asyncio.run(channel.send(OutreachMessage(lead_id=lead.id, body=NOTE, channel=Channel.LINKEDIN), lead))
    return ops.list_linkedin_tasks(db)[0].id


def test_the_page_shows_both_kinds_with_what_to_open_and_what_to_copy(
        operator: httpx.Client, site: FormSite, task_id: int, linkedin_task: int) -> None:
    page = operator.get("/tasks")

    assert page.status_code == 200 and "(2 open)" in page.text
    assert page.text.index(f'data-task="{task_id}" data-kind="form"') < page.text.index(
        f'data-task="{linkedin_task}" data-kind="linkedin"')  # oldest first, whatever the kind
    assert f'href="{site.url("/contact")}"' in page.text and "reCAPTCHA v2 on the form" in page.text
    assert f'id="subject-{task_id}" class="note" readonly value="{SUBJECT}"' in page.text
    assert f'<textarea id="body-{task_id}" class="note" readonly rows="8">{html.escape(BODY)}</textarea>' in page.text
    assert 'href="https://www.linkedin.com/in/lin-kedin/"' in page.text
    assert f'<textarea id="note-{linkedin_task}" class="note" readonly rows="4">{NOTE}</textarea>' in page.text
    assert 'href="/app/tasks" aria-current="page">Tasks</a>' in page.text


@pytest.mark.parametrize(("kind", "shown", "hidden"), [("form", "form", "linkedin"), ("linkedin", "linkedin", "form")])
def test_the_kind_filter_shows_the_tasks_of_one_kind(operator: httpx.Client, task_id: int, linkedin_task: int,
                                                     kind: str, shown: str, hidden: str) -> None:
    page = operator.get("/tasks", params={"kind": kind}).text

    assert f'data-kind="{shown}"' in page and f'data-kind="{hidden}"' not in page and "(1 open)" in page
    assert f'href="/app/tasks?kind={kind}" aria-current="true"' in page


def test_an_unknown_kind_is_invalid_input(operator: httpx.Client, task_id: int) -> None:
    page = operator.get("/tasks", params={"kind": "fax"})
    assert page.status_code == 422 and "Invalid input" in page.text


def test_marking_a_form_done_records_a_contact_form_send_and_shows_the_kind_shown_again(
        operator: httpx.Client, db: Session, task_id: int, linkedin_task: int) -> None:
    done = submit(operator, "/tasks?kind=form", f"/tasks/{task_id}/done", shown="form")

    assert done.status_code == 303 and done.headers["location"].endswith("/app/tasks?kind=form")
    after = operator.get("/tasks?kind=form").text
    assert f"Contact form {task_id} for Jane Doe marked done." in after and f'data-task="{task_id}"' not in after
    task = ops.get_form_task(db, task_id)
    assert task.status is TaskStatus.DONE
    assert [(a.channel, a.status) for a in ops.get_outreach_history(db, task.lead_id)] == [
        (Channel.CONTACT_FORM, SendStatus.SENT)]
    assert ops.get_linkedin_task(db, linkedin_task).status is TaskStatus.OPEN


def test_a_task_marked_failed_keeps_the_reason_and_cannot_be_marked_again(
        operator: httpx.Client, db: Session, task_id: int) -> None:
    failed = submit(operator, "/tasks", f"/tasks/{task_id}/failed", detail="form asks for a VAT number")

    assert failed.headers["location"].endswith("/app/tasks")
    task = ops.get_form_task(db, task_id)
    assert (task.status, task.detail) == (TaskStatus.FAILED, "form asks for a VAT number")
    submit(operator, "/tasks", f"/tasks/{task_id}/done")
    assert f"contact-form task {task_id} is already failed" in operator.get("/tasks").text
    assert ops.get_form_task(db, task_id).status is TaskStatus.FAILED


def test_the_contact_forms_address_of_before_shows_the_forms_and_its_buttons_close_forms_only(
        operator: httpx.Client, db: Session, task_id: int, linkedin_task: int) -> None:
    moved = operator.get("/form-tasks")
    assert moved.status_code == 308 and moved.headers["location"] == "/app/tasks?kind=form"

    not_a_form = submit(operator, "/tasks", f"/form-tasks/{linkedin_task}/done")
    assert not_a_form.status_code == 404 and f"contact-form task {linkedin_task} not found" in not_a_form.text
    failed = submit(operator, "/tasks", f"/form-tasks/{task_id}/failed", detail="form gone")

    assert failed.status_code == 303 and failed.headers["location"].endswith("/app/tasks?kind=form")
    assert (ops.get_form_task(db, task_id).status, ops.get_linkedin_task(db, linkedin_task).status) == (
        TaskStatus.FAILED, TaskStatus.OPEN)


def test_the_buttons_refuse_a_form_without_the_sessions_csrf_token(operator: httpx.Client, db: Session,
                                                                    task_id: int) -> None:
    for action in (f"/tasks/{task_id}/done", f"/form-tasks/{task_id}/done"):
        assert operator.post(action, data={"csrf_token": "forged"}).status_code == 403
    assert ops.get_form_task(db, task_id).status is TaskStatus.OPEN


@pytest.mark.parametrize("path", ["/tasks", "/form-tasks"])
def test_the_page_needs_a_login(visitor: httpx.Client, task_id: int, path: str) -> None:
    response = visitor.get(path)
    assert response.status_code == 303 and response.headers["location"].endswith("/app/login")
