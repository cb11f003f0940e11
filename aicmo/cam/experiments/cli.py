"""`aicmo experiments`: start an experiment on a campaign step, see each variant's figures, review, auto-winner."""

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.experiments.schemas import AutoWinner, ExperimentRead
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="A/B experiments on campaign steps: create, list, show, review, auto-winner.",
                  no_args_is_help=True)
FORMATS = ("table", "json")
CAMPAIGN = typer.Option(..., "--campaign", help="The campaign's name or id.")


def _format(output: str) -> str:
    if output not in FORMATS:
        raise fail(f"--format {output!r}: use one of {', '.join(FORMATS)}")
    return output


def _load(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text("utf-8-sig")
        data = json.loads(text) if file.suffix.lower() == ".json" else tomllib.loads(text)
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise fail(f"{file}: {exc}") from None
    if not isinstance(data, dict):
        raise fail(f"{file}: an experiment is an object with step, goal and variants")
    return data


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _variant_table(experiment: ExperimentRead) -> Table:
    table = Table(title=f"step {experiment.step}: {experiment.kind.value} on {experiment.goal.value} "
                        f"({experiment.status}{', winner ' + experiment.winner if experiment.winner else ''})")
    for column in ("variant", "sends", "goals", "rate (95%)", "P(best)", "P(beats control)", "expected loss",
                   "uplift (95%)", "always-valid p", "decision"):
        table.add_column(column)
    for v in experiment.variants:
        uplift = "control" if v.control else (f"{_pct(v.uplift_low)} to {_pct(v.uplift_high)}"
                                               if v.uplift_low is not None else "—")
        table.add_row(escape(v.name), str(v.sends), str(v.goals), f"{_pct(v.rate)} [{_pct(v.rate_low)}–"
                      f"{_pct(v.rate_high)}]", f"{v.probability_best:.3f}",
                      "—" if v.probability_beats_control is None else f"{v.probability_beats_control:.3f}",
                      f"{v.expected_loss:.4f}", uplift, "—" if v.always_valid_p is None else f"{v.always_valid_p:.4f}",
                      v.decision)
    return table


def _json(experiments: list[ExperimentRead]) -> None:
    sys.stdout.write(json.dumps([e.model_dump(mode="json") for e in experiments], indent=2) + "\n")


@app.command("create")
@reports_errors
def create_command(campaign: str = CAMPAIGN,
                   file: Path | None = typer.Option(None, "--file", help="The experiment as .toml or .json."),
                   step: int | None = typer.Option(None, "--step", help="The step, counted from 1."),
                   goal: str | None = typer.Option(None, "--goal", help="positive_reply (default), meeting or reply."),
                   auto_winner: AutoWinner | None = typer.Option(None, "--auto-winner"),
                   thompson: bool = typer.Option(False, "--thompson", help="Allocate by probability to be best."),
                   mde: float | None = typer.Option(None, "--mde", help="Smallest relative uplift worth detecting "
                                                                        "(0.30: 5% → 6.5%).")) -> None:
    """Start an experiment on a step: from a file, or on the step's own A/B variants with the options given."""
    data = _load(file) if file else {}
    flags = {"step": step, "goal": goal, "auto_winner": auto_winner and auto_winner.value,
             "allocation": "thompson" if thompson else None}
    data |= {key: value for key, value in flags.items() if value is not None}
    if mde is not None:
        data["rule"] = {**data.get("rule", {}), "mde": mde}
    with open_session() as db:
        experiment = ops.create_experiment(db, campaign, data)
    console.print(f"experiment on step {experiment.step} started: {', '.join(v.name for v in experiment.variants)}; "
                  f"about {experiment.sample_needed} sends per variant to detect the set uplift", highlight=False)


@app.command("list")
@reports_errors
def list_command(campaign: str = CAMPAIGN, output: str = typer.Option("table", "--format", help="table or json.")
                 ) -> None:
    """List a campaign's experiments: status, winner, sends per variant and the sample still needed."""
    output = _format(output)
    with open_session() as db:
        experiments = ops.list_experiments(db, campaign)
    if output == "json":
        _json(experiments)
        return
    table = Table()
    for column in ("step", "kind", "goal", "status", "winner", "auto-winner", "sends", "still needed", "why"):
        table.add_column(column)
    for e in experiments:
        table.add_row(str(e.step), e.kind.value, e.goal.value, e.status, e.winner or "—", e.auto_winner.value,
                      " / ".join(f"{escape(v.name)} {v.sends}" for v in e.variants), str(e.sample_remaining),
                      escape(e.reason or "not reviewed yet"))
    console.print(table)


@app.command("show")
@reports_errors
def show_command(campaign: str = CAMPAIGN, step: int | None = typer.Option(None, "--step", help="Only this step."),
                 output: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Show each variant's sends, goals, rate with interval, probability to be best, expected loss, uplift and
    decision, and the campaign's decisions so far."""
    output = _format(output)
    with open_session() as db:
        experiments = [ops.get_experiment(db, campaign, step)] if step else ops.list_experiments(db, campaign)
        history = [e for e in ops.get_campaign_history(db, campaign) if e.kind.startswith("experiment.")]
    if output == "json":
        _json(experiments)
        return
    for experiment in experiments:
        console.print(_variant_table(experiment))
        console.print(f"sample needed per variant: {experiment.sample_needed} "
                      f"({experiment.sample_remaining} still to send); {escape(experiment.reason or 'not reviewed')}",
                      highlight=False, soft_wrap=True)
    for event in history:
        console.print(f"{event.at:%Y-%m-%d %H:%M} {event.kind}: {escape(event.summary)}", highlight=False,
                      soft_wrap=True)


@app.command("review")
@reports_errors
def review_command(campaign: str | None = typer.Option(None, "--campaign", help="One campaign; all by default.")
                   ) -> None:
    """Ask every running experiment's winner rule now (the worker does it hourly) and act on the winners."""
    with open_session() as db:
        reviewed = ops.review_experiments(db, campaign)
    for campaign_id, step, winner, reason in reviewed:
        console.print(f"campaign {campaign_id} step {step}: {'winner ' + winner if winner else 'no winner'} — "
                      f"{escape(reason)}", highlight=False, soft_wrap=True)
    if not reviewed:
        console.print("no running experiments")


@app.command("apply")
@reports_errors
def apply_command(campaign: str = CAMPAIGN, step: int = typer.Option(..., "--step", help="The step, from 1."),
                  variant: str | None = typer.Option(None, "--variant", help="A variant chosen by hand; the decided "
                                                                           "winner by default.")) -> None:
    """Send every later lead of the step one variant, and record it in the campaign's history."""
    with open_session() as db:
        experiment = ops.apply_experiment_winner(db, campaign, step, variant)
    console.print(f"step {experiment.step}: every later lead gets {escape(experiment.winner or '')}",
                  highlight=False)


@app.command("auto-winner")
@reports_errors
def auto_winner_command(mode: AutoWinner, campaign: str = CAMPAIGN,
                        step: int = typer.Option(..., "--step", help="The step, counted from 1.")) -> None:
    """Set what happens when the winner rule holds: off, notify or apply."""
    with open_session() as db:
        experiment = ops.set_experiment_auto_winner(db, campaign, step, mode)
    console.print(f"step {experiment.step}: auto-winner {experiment.auto_winner.value}", highlight=False)
