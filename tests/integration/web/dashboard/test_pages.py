"""Every dashboard page shows the data behind it, and its buttons change it, on SQLite and PostgreSQL."""

import re

import httpx
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach.tasks.models import TaskStatus
from tests.factories import make_lead
from tests.integration.web.dashboard.seed import REPLY, Seeded
from tests.integration.web.dashboard.support import submit


def stage(page: httpx.Response, label: str) -> list[int]:
    """The counts of one funnel stage in every chart on the page."""
    return [int(n) for n in re.findall(rf'data-stage="{label}" data-count="(\d+)"', page.text)]


def test_the_overview_shows_each_campaigns_funnel_the_queue_and_open_alerts(operator: httpx.Client,
                                                                             seeded: Seeded) -> None:
    page = operator.get("/")

    assert page.status_code == 200 and "Spring intro" in page.text
    # Jane's email went out and she answered; Lin's LinkedIn step waits on the operator, so it has not reached her.
    assert (stage(page, "queued"), stage(page, "handed over"), stage(page, "sent"), stage(page, "replied"),
            stage(page, "positive"), stage(page, "bounced")) == ([1], [1], [1], [1], [1], [0])
    assert "<svg" in page.text and 'aria-label="Funnel of Spring intro: queued 1, handed over 1, sent 1' in page.text
    assert "Open LinkedIn tasks: <a" in page.text and "sales paused" in page.text


def test_the_leads_table_filters_by_grade_status_and_search(operator: httpx.Client, seeded: Seeded) -> None:
    everyone = operator.get("/leads")
    a_grade = operator.get("/leads", params={"grade": "A"})
    d_grade = operator.get("/leads", params=[("grade", "D"), ("status", "new")])
    searched = operator.get("/leads", params={"q": "kedin"})

    assert re.findall(r'data-lead="(\d+)"', everyone.text) == [str(seeded.replied_lead), str(seeded.linkedin_lead),
                                                               str(seeded.low_lead)]
    assert set(re.findall(r'data-lead="(\d+)"', a_grade.text)) == {str(seeded.replied_lead), str(seeded.linkedin_lead)}
    assert re.findall(r'data-lead="(\d+)"', d_grade.text) == [str(seeded.low_lead)]
    assert re.findall(r'data-lead="(\d+)"', searched.text) == [str(seeded.linkedin_lead)]
    assert 'value="A" checked' in a_grade.text


def test_the_leads_table_pages_through_many_leads(operator: httpx.Client, db: Session) -> None:
    for n in range(51):
        ops.create_lead(db, LeadCreate(**make_lead(first_name=f"Lead{n:02d}", email=f"lead{n}@acme.io")))

    first, second = operator.get("/leads"), operator.get("/leads", params={"page": 2})

    assert len(re.findall(r"data-lead=", first.text)) == 50 and "page 1 of 2" in first.text
    assert len(re.findall(r"data-lead=", second.text)) == 1 and 'rel="prev"' in second.text


def test_a_lead_page_shows_its_fields_grade_reasons_and_timeline_with_the_reply(operator: httpx.Client,
                                                                                seeded: Seeded) -> None:
    page = operator.get(f"/leads/{seeded.replied_lead}")

    assert page.status_code == 200 and "jane@acme.io" in page.text
    assert re.search(r"<td>title</td><td class=\"num\">\+\d+</td>", page.text)
    kinds = re.findall(r'<li class="(out|in|outcome)" data-kind="(\w+)">', page.text)
    # Her reply read as interested, which is an outcome of its own.
    assert kinds == [("out", "email"), ("out", "linkedin"), ("in", "reply"), ("outcome", "positive_reply")]
    assert f"<blockquote>{REPLY}</blockquote>" in page.text
    assert 'data-intent="positive"' in page.text


def test_a_lead_page_shows_the_meetings_and_deals_that_came_of_it(operator: httpx.Client, seeded: Seeded,
                                                                  db: Session) -> None:
    ops.add_outcome(db, OutcomeCreate(lead_id=seeded.replied_lead, kind=OutcomeKind.WON, value="4800",
                                      currency="EUR", note="annual plan"))
    page = operator.get(f"/leads/{seeded.replied_lead}")
    won = re.search(r'<li class="outcome" data-kind="won">(.*?)</li>', page.text, re.S)
    assert won is not None and "4,800.00 EUR · manual" in won.group(1) and "annual plan" in won.group(1)


def test_values_from_leads_are_escaped_not_run(operator: httpx.Client, db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name="<script>alert(1)</script>")))

    page = operator.get(f"/leads/{lead.id}")

    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_an_unknown_lead_or_campaign_is_a_not_found_page(operator: httpx.Client) -> None:
    assert operator.get("/leads/999").status_code == 404
    assert operator.get("/campaigns/999").status_code == 404
    assert operator.get("/leads/not-a-number").status_code == 404


def test_a_campaign_page_shows_its_steps_variants_with_reply_rates_and_send_window(operator: httpx.Client,
                                                                                   seeded: Seeded) -> None:
    page = operator.get(f"/campaigns/{seeded.campaign}")

    assert page.status_code == 200 and 'id="campaign-status">running' in page.text
    rows = re.findall(r'<tr data-step="(\d)" data-variant="(\w*)">(.*?)</tr>', page.text, re.S)
    assert [(step, variant) for step, variant, _ in rows] == [("1", "a"), ("1", "b"), ("2", "")]
    # Variant a reached Jane, who answered; Lin's LinkedIn step is still with the operator and is not counted yet.
    assert re.findall(r'<td class="num">([\d.]+%)</td>', rows[0][2]) == ["100.0%"]
    assert "Send window:" in page.text and "any time" in page.text
    assert "Pause" in page.text and "Stop for good" in page.text


def test_campaign_buttons_pause_resume_and_stop_it(operator: httpx.Client, seeded: Seeded, db: Session) -> None:
    page = f"/campaigns/{seeded.campaign}"

    paused = submit(operator, page, f"{page}/pause")
    assert paused.status_code == 303 and ops.get_campaign(db, seeded.campaign).status == "paused"
    assert "Paused &#39;Spring intro&#39;." in operator.get(page).text
    submit(operator, page, f"{page}/resume")
    assert ops.get_campaign(db, seeded.campaign).status == "running"
    submit(operator, page, f"{page}/stop")
    assert ops.get_campaign(db, seeded.campaign).status == "stopped"
    submit(operator, page, f"{page}/resume")
    assert "is stopped, not paused" in operator.get(page).text


def test_a_campaign_is_created_from_a_toml_or_json_spec_and_started(operator: httpx.Client, db: Session) -> None:
    ops.create_lead(db, LeadCreate(**make_lead()))
    toml = 'name = "From TOML"\nsend_window = { always = true }\n[[steps]]\nchannels = ["email"]\nbody = "Hi"\n'
    json = '{"name": "From JSON", "steps": [{"channels": ["linkedin"], "body": "Hello"}]}'

    created = submit(operator, "/campaigns", "/campaigns", spec=toml)
    submit(operator, "/campaigns", "/campaigns", spec=json)
    campaign_page = created.headers["location"].removeprefix("/app")
    started = submit(operator, campaign_page, f"{campaign_page}/start")

    assert [c.name for c in ops.list_campaigns(db)] == ["From TOML", "From JSON"]
    assert started.status_code == 303 and ops.get_campaign(db, "From TOML").status == "running"
    assert "Started: 1 leads joined." in operator.get(campaign_page).text


def test_an_invalid_spec_is_shown_again_with_what_is_wrong(operator: httpx.Client, db: Session) -> None:
    broken = submit(operator, "/campaigns", "/campaigns", spec='name = "No steps"\n')
    garbled = submit(operator, "/campaigns", "/campaigns", spec="name = [")

    assert broken.status_code == 422 and "steps" in broken.text and "No steps" in broken.text
    assert garbled.status_code == 422 and "invalid TOML" in garbled.text
    assert ops.list_campaigns(db) == []


def test_the_mailboxes_page_shows_the_guard_and_resumes_a_paused_mailbox(operator: httpx.Client, seeded: Seeded,
                                                                         db: Session) -> None:
    page = operator.get("/mailboxes")
    assert 'data-mailbox="sales" data-state="paused"' in page.text and "bounce rate 7.5% over 40 sends" in page.text
    assert '<td>last 24 h</td><td class="num">1</td>' in page.text  # the one email the worker sent

    submit(operator, "/mailboxes", "/mailboxes/sales/resume")

    assert ops.get_mailbox(db, "sales").paused_at is None
    assert 'data-mailbox="sales" data-state="active"' in operator.get("/mailboxes").text


def test_an_alert_is_acknowledged_from_the_mailboxes_page(operator: httpx.Client, seeded: Seeded,
                                                          db: Session) -> None:
    assert f'data-alert="{seeded.alert}"' in operator.get("/mailboxes").text

    submit(operator, "/mailboxes", f"/alerts/{seeded.alert}/acknowledge")

    assert ops.list_alerts(db) == []
    assert f'data-alert="{seeded.alert}"' not in operator.get("/mailboxes").text


def test_the_tasks_page_shows_the_profile_and_note_and_marks_tasks_done(operator: httpx.Client, seeded: Seeded,
                                                                        db: Session) -> None:
    page = operator.get("/tasks")
    assert f'data-task="{seeded.task}"' in page.text
    assert 'href="https://www.linkedin.com/in/lin-kedin/"' in page.text
    assert re.search(r'<textarea id="note-\d+" class="note" readonly rows="4">Hi Lin, variant \w\.</textarea>',
                     page.text)

    submit(operator, "/tasks", f"/tasks/{seeded.task}/done")

    assert ops.get_linkedin_task(db, seeded.task).status is TaskStatus.DONE
    assert f'data-task="{seeded.task}"' not in operator.get("/tasks").text


def test_a_task_marked_failed_keeps_the_reason(operator: httpx.Client, seeded: Seeded, db: Session) -> None:
    submit(operator, "/tasks", f"/tasks/{seeded.task}/failed", detail="profile gone")

    task = ops.get_linkedin_task(db, seeded.task)
    assert (task.status, task.detail) == (TaskStatus.FAILED, "profile gone")
    submit(operator, "/tasks", f"/tasks/{seeded.task}/done")
    assert "already" in operator.get("/tasks").text


def test_the_settings_page_edits_a_channels_rate_limits(operator: httpx.Client, seeded: Seeded,
                                                        db: Session) -> None:
    page = operator.get("/settings")
    assert re.findall(r'data-scope="(\w+)"', page.text) == ["email", "linkedin", "contact_form", "all"]
    assert "Spring intro" in page.text and "any time" in page.text

    submit(operator, "/settings", "/settings/email", enabled="on", hourly_cap="40", daily_cap="200", weekly_cap="",
           domain_daily_cap="", min_lead_gap_hours="", retry_base_seconds="60", retry_cap_seconds="3600",
           max_retries="3")

    email = ops.get_channel_config(db, "email")
    assert (email.enabled, email.hourly_cap, email.daily_cap, email.weekly_cap, email.max_retries) == (
        True, 40, 200, None, 3)
    assert 'name="hourly_cap" min="0" step="any" value="40"' in operator.get("/settings").text


def test_invalid_limits_are_refused_naming_the_field(operator: httpx.Client, db: Session) -> None:
    before = ops.get_channel_config(db, "linkedin")

    submit(operator, "/settings", "/settings/linkedin", enabled="on", retry_base_seconds="600",
           retry_cap_seconds="10", max_retries="3")

    assert ops.get_channel_config(db, "linkedin") == before
    assert "retry_cap_seconds" in operator.get("/settings").text


def test_a_campaign_page_counts_a_new_outcome_at_once_and_says_when_it_counted(operator: httpx.Client,
                                                                                seeded: Seeded, db: Session) -> None:
    before = operator.get(f"/campaigns/{seeded.campaign}")
    assert "0 outcome(s) (meeting, opportunity, won)" in before.text

    ops.add_outcome(db, OutcomeCreate(lead_id=seeded.replied_lead, kind=OutcomeKind.MEETING))
    after = operator.get(f"/campaigns/{seeded.campaign}")

    assert "1 outcome(s) (meeting, opportunity, won)" in after.text
    assert re.search(r'<tr data-key="email"><td>email</td><td class="num">1.00</td>', after.text)
    assert re.search(r'id="figures-as-of">Figures as of \S', after.text)
    again = operator.get(f"/campaigns/{seeded.campaign}", params={"model": "first", "fresh": "1"})
    assert 'data-model="first"' in again.text and "1 outcome(s)" in again.text
