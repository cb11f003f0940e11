import typer

from aicmo.bootstrap import engine_for
from aicmo.cam.analytics.mailbox_status_cli import guard_command as mailboxes_guard_command
from aicmo.cam.analytics.mailbox_status_cli import status_command as mailboxes_status_command
from aicmo.cam.attribution.cli import attribution_command
from aicmo.cam.auth.cli import app as apikey_app
from aicmo.cam.campaigns.cli import app as campaigns_app
from aicmo.cam.costs.cli import app as costs_app
from aicmo.cam.experiments.cli import app as experiments_app
from aicmo.cam.inbox.cli import app as inbox_app
from aicmo.cam.leads.cli import app as leads_app
from aicmo.cam.outcomes.cli import app as outcomes_app
from aicmo.cam.outreach.cli import channels_app, history_command, messages_app, metrics_command, send_command
from aicmo.cam.outreach.email.cli import app as mailboxes_app
from aicmo.cam.outreach.forms.cli import app as forms_app
from aicmo.cam.outreach.linkedin.cli import app as linkedin_app
from aicmo.cam.outreach.tasks.cli import app as tasks_app
from aicmo.cam.roi.cli import roi_command
from aicmo.cam.suppression.cli import app as suppress_app
from aicmo.cam.templates.cli import app as templates_app
from aicmo.cam.webhooks.cli import app as webhooks_app
from aicmo.cam.worker.cli import status_command, worker_command
from aicmo.cli.context import console, reports_errors
from aicmo.db.migrate import current_revision, head_revision, upgrade
from aicmo.demo.cli import demo
from aicmo.settings import get_settings
from aicmo.web.cli import serve_command

app = typer.Typer(help="aicmo: import, grade and reach your leads.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(leads_app, name="leads")
app.add_typer(linkedin_app, name="linkedin")
app.add_typer(tasks_app, name="tasks")
app.add_typer(forms_app, name="forms")
app.add_typer(campaigns_app, name="campaign")
app.add_typer(experiments_app, name="experiments")
app.add_typer(messages_app, name="messages")
app.add_typer(outcomes_app, name="outcomes")
app.add_typer(costs_app, name="costs")
report_app = typer.Typer(help="Reports: what earned the outcomes, and what they cost.", no_args_is_help=True)
report_app.command("attribution")(attribution_command)
report_app.command("roi")(roi_command)
app.add_typer(report_app, name="report")
app.add_typer(channels_app, name="channels")
mailboxes_app.command("status")(mailboxes_status_command)
mailboxes_app.command("guard")(mailboxes_guard_command)
app.add_typer(mailboxes_app, name="mailboxes")
app.add_typer(inbox_app, name="inbox")
app.add_typer(apikey_app, name="apikey")
app.add_typer(templates_app, name="templates")
app.add_typer(suppress_app, name="suppress")
app.add_typer(webhooks_app, name="webhooks")
app.command("send")(send_command)
app.command("history")(history_command)
app.command("metrics")(metrics_command)
app.command("worker")(worker_command)
app.command("status")(status_command)
app.command("demo")(demo)
app.command("serve")(serve_command)


@db_app.command("upgrade")
@reports_errors
def db_upgrade(revision: str = typer.Option("head", help="Target revision.")) -> None:
    """Apply the schema migrations to the configured database."""
    engine = engine_for(get_settings().database_url)
    upgrade(engine, revision)
    console.print(f"database at revision {current_revision(engine)} ({engine.url.render_as_string()})")


@db_app.command("current")
@reports_errors
def db_current() -> None:
    """Show the schema revision of the configured database and the one the code expects."""
    engine = engine_for(get_settings().database_url)
    console.print(f"database: {current_revision(engine) or 'empty'}, code: {head_revision()}")


if __name__ == "__main__":
    app()
