"""The contact-form page: the form to open, the text to copy, and Done / Failed buttons, on SQLite and PostgreSQL."""

import asyncio
import html
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskStatus
from aicmo.cam.outreach.forms.tasks.service import get_form_task
from tests.integration.cam.outreach.forms.tasks.builders import BODY, SUBJECT, lead_behind_captcha, leave_to_operator
from tests.integration.web.dashboard.support import submit
from tests.support.form_site import FormSite


@pytest.fixture
def site() -> Iterator[FormSite]:
    with FormSite() as running:
        yield running


@pytest.fixture
def task_id(db: Session, sessions: sessionmaker[Session], site: FormSite) -> int:
    """An open task the contact-form channel left for Jane Doe's CAPTCHA form."""
    return asyncio.run(leave_to_operator(sessions, lead_behind_captcha(db, site)))


def test_the_page_shows_the_form_to_open_the_text_to_copy_and_marks_a_task_done(
        operator: httpx.Client, db: Session, site: FormSite, task_id: int) -> None:
    page = operator.get("/form-tasks")

    assert page.status_code == 200 and f'data-form-task="{task_id}"' in page.text
    assert f'href="{site.url("/contact")}"' in page.text and "reCAPTCHA v2 on the form" in page.text
    assert f'id="subject-{task_id}" class="note" readonly value="{SUBJECT}"' in page.text
    assert f'<textarea id="body-{task_id}" class="note" readonly rows="8">{html.escape(BODY)}</textarea>' in page.text
    assert 'href="/app/form-tasks" aria-current="page">Contact forms</a>' in page.text

    done = submit(operator, "/form-tasks", f"/form-tasks/{task_id}/done")

    assert done.status_code == 303 and done.headers["location"].endswith("/app/form-tasks")
    after = operator.get("/form-tasks").text
    assert f"Contact form {task_id} for Jane Doe marked done." in after and f'data-form-task="{task_id}"' not in after
    task = get_form_task(db, task_id)
    assert task.status is ContactFormTaskStatus.DONE
    assert [(a.channel, a.status) for a in ops.get_outreach_history(db, task.lead_id)] == [
        (Channel.CONTACT_FORM, SendStatus.SENT)]


def test_a_task_marked_failed_keeps_the_reason_and_cannot_be_marked_again(
        operator: httpx.Client, db: Session, task_id: int) -> None:
    submit(operator, "/form-tasks", f"/form-tasks/{task_id}/failed", detail="form asks for a VAT number")

    task = get_form_task(db, task_id)
    assert (task.status, task.detail) == (ContactFormTaskStatus.FAILED, "form asks for a VAT number")
    submit(operator, "/form-tasks", f"/form-tasks/{task_id}/done")
    assert f"contact-form task {task_id} is already failed" in operator.get("/form-tasks").text
    assert get_form_task(db, task_id).status is ContactFormTaskStatus.FAILED


def test_the_buttons_refuse_a_form_without_the_sessions_csrf_token(operator: httpx.Client, db: Session,
                                                                    task_id: int) -> None:
    refused = operator.post(f"/form-tasks/{task_id}/done", data={"csrf_token": "forged"})

    assert refused.status_code == 403
    assert get_form_task(db, task_id).status is ContactFormTaskStatus.OPEN


def test_the_page_needs_a_login(visitor: httpx.Client, task_id: int) -> None:
    response = visitor.get("/form-tasks")
    assert response.status_code == 303 and response.headers["location"].endswith("/app/login")
