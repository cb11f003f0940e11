"""Campaigns, sending, the worker and the LinkedIn tasks through the installed `aicmo` command, on a SQLite file.

No SMTP server is needed: without a stored mailbox the email channel is not configured, so email is skipped
with that reason; LinkedIn (tasks provider, the default) turns a step into a task for the operator.
"""

import shutil
from pathlib import Path

import pytest

from tests.support.workspace import EXAMPLES, Done, Workspace

# Two A-grade leads (one with a LinkedIn profile) and a D-grade one the campaign's audience leaves out.
LEADS = """First Name,Last Name,Email,Title,Company,Website,LinkedIn URL,Country,Industry,# Employees
Jane,Doe,jane@acme.io,CEO,Acme Inc,https://acme.io,https://www.linkedin.com/in/janedoe,United States,Software,200
John,Roe,john@globex.com,CTO,Globex,https://globex.com,,United Kingdom,Software,300
Mary,Major,,Intern,Initech,https://initech.com,,France,Retail,5
"""


def leads_workspace(path: Path) -> Workspace:
    (path / "leads.csv").write_text(LEADS, encoding="utf-8")
    shutil.copy(EXAMPLES / "campaign.toml", path / "campaign.toml")
    space = Workspace(path, f"sqlite:///{path / 'aicmo.db'}")
    assert space.run("leads", "import", "leads.csv").stdout.startswith("read 3, inserted 3, merged 0, rejected 0")
    return space


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("│┃").split("│")]


def row(out: str, *first: str) -> list[str]:
    """The table row whose first cells are `first` (every cell, stripped); fails when there is none."""
    for line in out.splitlines():
        if line.startswith("│") and cells(line)[:len(first)] == list(first):
            return cells(line)
    raise AssertionError(f"no row starting {first} in:\n{out}")


def column(out: str, name: str) -> int:
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in header.strip("┃").split("┃")].index(name)


CAMPAIGN_STEPS = ("create", "list", "start", "status running", "pause", "status paused", "resume", "stop",
                  "status stopped", "start stopped")


@pytest.fixture(scope="module")
def campaign_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    """The example campaign created, listed, started, paused, resumed and stopped, with its status between."""
    space = leads_workspace(tmp_path_factory.mktemp("campaign"))
    commands = {"create": ("campaign", "create", "campaign.toml"), "list": ("campaign", "list"),
                "start": ("campaign", "start", "Q3 intro"), "status running": ("campaign", "status", "1"),
                "pause": ("campaign", "pause", "1"), "status paused": ("campaign", "status", "Q3 intro"),
                "resume": ("campaign", "resume", "Q3 intro"), "stop": ("campaign", "stop", "Q3 intro", "--yes"),
                "status stopped": ("campaign", "status", "1"), "start stopped": ("campaign", "start", "1")}
    assert tuple(commands) == CAMPAIGN_STEPS
    return {name: space.run(*args, ok=name != "start stopped") for name, args in commands.items()}


def test_create_prints_the_id_name_and_every_step_of_the_example_campaign(campaign_run) -> None:
    lines = campaign_run["create"].stdout.splitlines()
    assert lines[0] == "created campaign 1: Q3 intro (draft, 3 steps)"
    assert lines[1].startswith("  1. day 0 via email, variants a, b: ")
    assert lines[2] == "  2. day 3 via linkedin"
    assert lines[3].startswith("  3. day 7 via email → contact_form: Re: ")
    assert row(campaign_run["list"].stdout, "1", "Q3 intro", "draft", "3")


def test_start_enrols_the_matching_leads_and_status_counts_their_messages(campaign_run) -> None:
    assert "2 lead(s) enrolled" in campaign_run["start"].stdout
    status = campaign_run["status running"].stdout
    assert "campaign: Q3 intro (id 1)\nstatus: running\nleads: 2\n" in status
    assert row(status, "pending", "2")
    assert "status: paused" in campaign_run["status paused"].stdout


def test_pause_resume_and_stop_report_what_they_did(campaign_run) -> None:
    assert campaign_run["pause"].stdout.strip() == "campaign Q3 intro paused"
    assert campaign_run["resume"].stdout.strip() == "campaign Q3 intro resumed"
    assert campaign_run["stop"].stdout.strip() == "campaign Q3 intro stopped: 2 waiting message(s) cancelled"
    stopped = campaign_run["status stopped"].stdout
    assert "status: stopped" in stopped
    assert row(stopped, "cancelled", "2")
    again = campaign_run["start stopped"]
    assert again.returncode == 1
    assert again.stderr.strip() == "error: campaign 'Q3 intro' is stopped; create a new one to run again"


BAD_FILES = {
    "broken.toml": 'name = "broken"\n\n[[steps]]\nbody = "no closing quote\n',
    "no_body.toml": 'name = "no body"\n\n[[steps]]\nsubject = "Hello"\n',
    "unknown_name.json": '{"name": "unknown", "steps": [{"body": "Hi {{ nickname }}"}]}',
    "broken.json": '{"name": "broken",\n "steps": [}',
    "campaign.yaml": "name: yaml\n",
    "two_html.toml": 'name = "two"\n\n[[steps]]\nbody = "Hi"\nhtml = "<p>Hi</p>"\nmarkdown = "Hi"\n',
    "html_links.toml": ('name = "links"\n\n[[steps]]\nbody = "See https://acme.io/pricing"\n'
                        'markdown = "See [our page](https://acme.io/other)"\n'),
    "html_syntax.toml": 'name = "syntax"\n\n[[steps]]\nbody = "Hi"\nhtml = "<p>{{ first_name </p>"\n',
}
BAD_INPUTS: dict[tuple[str, ...], str] = {
    ("campaign", "create", "broken.toml"): "broken.toml: invalid TOML: Illegal character '\\n' (at line 4, column 25)",
    ("campaign", "create", "no_body.toml"): "steps.0: ",
    ("campaign", "create", "unknown_name.json"): "steps.0: body uses unknown name 'nickname'",
    ("campaign", "create", "broken.json"): "broken.json: invalid JSON: Expecting value (at line 2, column 12)",
    ("campaign", "create", "campaign.yaml"): "campaign.yaml: unknown file type '.yaml'",
    ("campaign", "create", "missing.toml"): "missing.toml not found",
    ("campaign", "create", "two_html.toml"): "steps.0: give the HTML part as html or as markdown, not",
    ("campaign", "create", "html_links.toml"): ("steps.0: the HTML part lacks the link https://acme.io/pricing; "
                                                "the text part lacks the link https://acme.io/other"),
    ("campaign", "create", "html_syntax.toml"): "steps.0: syntax error in html template, line 1",
    ("channels", "set", "email", "--daily-cap", "-1"): "daily_cap: ",
    ("channels", "set", "email"): "nothing to change",
    ("channels", "set", "email", "--clear", "max_retries"): "--clear 'max_retries'",
    ("send", "404", "--body", "hi"): "lead 404 not found",
    ("send", "1", "--channel", "fax", "--body", "hi"): "unknown --channel 'fax'",
    ("send", "1"): "give the body as --body TEXT or --body-file PATH",
    ("messages", "retry", "0123abcd"): "message 0123abcd not found",
    ("history",): "give --lead ID or --campaign ID",
    ("tasks", "done", "99"): "task 99 not found",
    ("tasks", "fail", "99", "--detail", "gone"): "task 99 not found",
    ("tasks", "list", "--kind", "fax"): "unknown --kind 'fax': use linkedin, form or all",
}


@pytest.fixture(scope="module")
def bad_input_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Done]:
    space = Workspace(tmp_path_factory.mktemp("bad_outreach"), "")
    for name, content in BAD_FILES.items():
        (space.path / name).write_text(content, encoding="utf-8")
    return dict(zip(BAD_INPUTS, space.run_all(list(BAD_INPUTS), ok=False, separate_databases=True), strict=True))


@pytest.mark.parametrize(("args", "message"), list(BAD_INPUTS.items()), ids=[" ".join(a) for a in BAD_INPUTS])
def test_bad_input_exits_1_with_one_error_line_naming_the_problem(bad_input_runs, args: tuple[str, ...],
                                                                  message: str) -> None:
    done = bad_input_runs[args]
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"error: {message}")


def test_a_step_without_a_body_is_refused_naming_the_step_and_the_body(bad_input_runs) -> None:
    error = bad_input_runs[("campaign", "create", "no_body.toml")].stderr
    assert error.startswith("error: steps.0: ") and "a step needs a body or variants" in error


def test_channels_set_changes_only_the_options_given(tmp_path: Path) -> None:
    space = Workspace(tmp_path, f"sqlite:///{tmp_path / 'aicmo.db'}")
    before = space.run("channels", "show", "email").stdout
    changed = space.run("channels", "set", "email", "--daily-cap", "10", "--disable").stdout
    assert changed.splitlines()[-1] == "email: changed daily_cap, enabled"
    shown = space.run("channels", "show", "email").stdout
    email = row(shown, "email")
    assert email[column(shown, "daily cap")] == "10"
    assert email[column(shown, "enabled")] == "no"
    untouched = ("hourly cap", "weekly cap", "retry base s", "retry cap s", "retries")
    assert [email[column(shown, c)] for c in untouched] == [row(before, "email")[column(before, c)] for c in untouched]
    every = space.run("channels", "show").stdout
    assert [row(every, scope)[0] for scope in ("email", "linkedin", "contact_form", "all")]
    assert row(every, "linkedin")[column(every, "daily cap")] == "-"
    space.run("channels", "set", "email", "--clear", "daily-cap", "--enable")
    cleared = space.run("channels", "show", "email").stdout
    assert row(cleared, "email")[column(cleared, "daily cap")] == "-"
    assert row(cleared, "email")[column(cleared, "enabled")] == "yes"


@pytest.fixture(scope="module")
def send_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    """Two messages queued by hand, the queue's status, one worker pass, then the LinkedIn task done."""
    space = leads_workspace(tmp_path_factory.mktemp("send"))
    (space.path / "body.txt").write_text("Hello John,\nquick question.\n", encoding="utf-8")
    runs = {"send jane": space.run("send", "1", "--subject", "Hi", "--body", "Hello Jane", "--channel", "email",
                                   "--channel", "linkedin", "--queue-only"),
            "send john": space.run("send", "2", "--subject", "Hi", "--body-file", "body.txt", "--queue-only")}
    runs.update(zip(("queued", "status before"), space.run_all([("messages", "list"), ("status",)]), strict=True))
    runs["worker"] = space.run("worker", "--once")
    after = {"worked": ("messages", "list"), "tasks": ("tasks", "list"), "history": ("history", "--lead", "1"),
             "metrics": ("metrics", "--days", "7"), "status after": ("status",),
             "skipped only": ("messages", "list", "--status", "skipped", "--lead", "2")}
    runs.update(zip(after, space.run_all(list(after.values())), strict=True))
    runs["done"] = space.run("tasks", "done", "1", "--detail", "sent from my phone")
    runs["delivered"] = space.run("messages", "list", "--status", "delivered")
    skipped_id = row(runs["skipped only"].stdout)[0]
    runs["retry"] = space.run("messages", "retry", skipped_id)
    runs["retried"] = space.run("messages", "list", "--lead", "2")
    return runs


def test_send_queue_only_leaves_the_message_pending_for_the_worker(send_run) -> None:
    jane = send_run["send jane"].stdout.splitlines()
    assert jane[0].startswith("message ") and jane[0].endswith(" to lead 1: pending")
    assert jane[1] == "  channel: email (order email, linkedin)"
    assert "to lead 2: pending" in send_run["send john"].stdout
    assert "(order email, linkedin, contact_form)" in send_run["send john"].stdout
    queued = send_run["queued"].stdout
    assert row(queued, jane[0].split()[1][:8], "1", "-", "-", "email", "pending", "0")
    assert row(queued)[5] == "pending" and "2 message(s)" in queued
    before = send_run["status before"].stdout
    assert row(before, "pending", "2")
    assert "due now: 2" in before and "open LinkedIn tasks: 0" in before and "running campaigns: none" in before


def test_worker_once_skips_unconfigured_channels_and_hands_linkedin_to_a_task(send_run) -> None:
    assert send_run["worker"].stdout.strip() == "processed 2 message(s) (sent 1, skipped 1); recovered 0, in doubt 0"
    assert "outcome=pending" in send_run["worker"].stderr  # the structured log lines
    worked = send_run["worked"].stdout
    assert row(worked)  # a table
    jane, john = (next(cells(line) for line in worked.splitlines() if line.startswith("│") and cells(line)[1] == lead)
                  for lead in ("1", "2"))
    assert jane[4:7] == ["linkedin", "sent", "1"]
    assert john[4:6] == ["contact_form", "skipped"]
    assert "the contact_form channel is not configured" in john[8]
    history = send_run["history"].stdout
    assert "no sender mailbox is configured" in history and "waiting for the operator" in history
    assert history.index("no sender mailbox is configured") < history.index("waiting for the operator")
    assert "2 attempt(s)" in history
    # Handed to the operator, not yet sent: the metrics say so (sent 0, handed over 1).
    assert row(send_run["metrics"].stdout, "linkedin", "0", "1")


def test_the_linkedin_task_is_listed_and_marking_it_done_delivers_the_message(send_run) -> None:
    tasks = send_run["tasks"].stdout
    assert "#1 connection request to Jane Doe (Acme Inc) — open" in tasks
    assert "note: Hello Jane" in tasks and "1 open task(s)" in tasks
    after = send_run["status after"].stdout
    assert "open LinkedIn tasks: 1" in after and "due now: 0" in after
    assert row(after, "sent", "1") and row(after, "skipped", "1")
    assert send_run["done"].stdout.strip() == "LinkedIn task 1 done: connection request to Jane Doe"
    assert row(send_run["delivered"].stdout)[1:6] == ["1", "-", "-", "linkedin", "delivered"]


def test_retry_queues_a_skipped_message_again_by_the_short_id_the_list_shows(send_run) -> None:
    assert send_run["retry"].stdout.startswith("message ")
    assert send_run["retry"].stdout.rstrip().endswith("queued again on contact_form")
    assert row(send_run["retried"].stdout)[5] == "pending"


def test_a_campaign_whose_template_runs_away_is_refused_in_one_line_and_enrols_nobody(tmp_path: Path) -> None:
    space = leads_workspace(tmp_path)
    (tmp_path / "runaway.json").write_text(
        '{"name": "Runaway", "steps": [{"channels": ["email"], "subject": "Hi", "body": '
        '"{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}Hi"}]}', "utf-8")
    space.run("campaign", "create", "runaway.json")
    refused = space.run("campaign", "start", "Runaway", ok=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "error: steps.0: body template exceeds its bounds: more than 100000 loop steps and calls"]
    assert "draft" in space.run("campaign", "status", "Runaway").stdout
