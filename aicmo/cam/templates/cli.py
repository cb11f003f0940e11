from pathlib import Path

import typer

from aicmo.cam.templates.context import SENDER_FIELDS, message_context
from aicmo.cam.templates.render import configured_limits, render_message
from aicmo.cli.context import console, fail, open_session, reports_errors
from aicmo.operator_services import get_lead
from aicmo.settings import get_settings

app = typer.Typer(help="Message templates: see what a lead would receive.", no_args_is_help=True)


@app.callback()
def templates() -> None:
    """Message templates: Jinja with {{ first_name }}-style fields and {Hi|Hello} spintax."""


def _sender(values: list[str]) -> dict[str, str]:
    sender: dict[str, str] = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or name.strip() not in SENDER_FIELDS:
            raise fail(f"--sender {value!r}: use FIELD=VALUE with FIELD one of {', '.join(SENDER_FIELDS)}")
        sender[name.strip()] = text
    return sender


def _body(body: str | None, body_file: Path | None) -> str:
    if body is not None and body_file is None:
        return body
    if body_file is not None and body is None:
        try:
            return body_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"cannot read {body_file}: {exc}") from None
    raise fail("give the body as --body TEXT or --body-file PATH (one of them)")


@app.command("preview")
@reports_errors
def preview_command(
    lead_id: int = typer.Option(..., "--lead", help="The lead to render the message for."),
    body: str | None = typer.Option(None, help="The body template."),
    body_file: Path | None = typer.Option(None, help="A file holding the body template (UTF-8)."),
    subject: str | None = typer.Option(None, help="The subject template."),
    variant_seed: str | None = typer.Option(None, help="Seed for the {a|b} choices (default: the lead id)."),
    sender: list[str] = typer.Option([], "--sender", help="Sender field, FIELD=VALUE (repeatable), e.g. name=Ann."),
) -> None:
    """Render a subject and body for one lead, as it would be sent; a missing field is an error naming it."""
    template = _body(body, body_file)
    with open_session() as db:
        lead = get_lead(db, lead_id)
    context = message_context(lead, _sender(sender))
    message = render_message(subject, template, context, seed=variant_seed or str(lead_id),
                             limits=configured_limits(get_settings()))
    if message.subject is not None:
        console.print(f"Subject: {message.subject}", markup=False, highlight=False, soft_wrap=True)
        console.print()
    console.print(message.body, markup=False, highlight=False, soft_wrap=True)
