"""The review the worker runs: ask the winner rule, and when it holds, notify (an alert and a webhook event) or
apply (every later lead gets the winner), writing when and why into the campaign's history. Never commits."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.alerts.service import raise_alert
from aicmo.cam.experiments import counts, rules
from aicmo.cam.experiments.figures import rule_of
from aicmo.cam.experiments.models import ExperimentDB
from aicmo.cam.experiments.rules import Arm, Decision
from aicmo.cam.experiments.schemas import Allocation, AutoWinner
from aicmo.cam.experiments.service import APPLIED, DECIDED, RUNNING
from aicmo.cam.history import service as history
from aicmo.cam.webhooks.events import WebhookEvent, emit

ALERT_KIND = "experiment.winner"


def _evidence(arms: list[Arm]) -> dict[str, Any]:
    return {arm.name: {"sends": arm.trials, "goals": arm.successes} for arm in arms}


def review(db: Session, experiment: ExperimentDB, *, now: datetime) -> Decision | None:
    """Ask the rule about a running experiment; act on its winner as the experiment says. None if not running."""
    if experiment.status != RUNNING:
        return None
    arms = counts.arms(db, experiment)
    decision = rules.decide(arms, rule_of(experiment), experiment.state.get("p_values") or {})
    state = {**experiment.state, "p_values": decision.p_values}
    if experiment.allocation == Allocation.THOMPSON.value:
        state["weights"] = rules.thompson_weights(arms)
    experiment.state, experiment.reviewed_at, experiment.reason = state, now, decision.reason
    mode = AutoWinner(experiment.auto_winner)
    if decision.winner is not None and mode is not AutoWinner.OFF:
        _act(db, experiment, decision.winner, decision.reason, arms, mode, now)
    return decision


def _act(db: Session, experiment: ExperimentDB, winner: str, reason: str, arms: list[Arm], mode: AutoWinner,
         now: datetime) -> None:
    experiment.winner, experiment.decided_at = winner, now
    experiment.status = APPLIED if mode is AutoWinner.APPLY else DECIDED
    step = experiment.step + 1
    what = ("every later lead gets it" if mode is AutoWinner.APPLY
            else "nothing changes until it is applied (aicmo experiments apply)")
    summary = f"step {step}: {winner!r} won the {experiment.kind} experiment on {experiment.goal}; {what}. {reason}"
    data = {"experiment_id": experiment.id, "step": step, "winner": winner, "goal": experiment.goal,
            "mode": mode.value, "evidence": _evidence(arms)}
    kind = "experiment.winner_applied" if mode is AutoWinner.APPLY else "experiment.winner_found"
    history.record(db, experiment.campaign_id, kind, summary, at=now, data=data)
    raise_alert(db, ALERT_KIND, subject=f"campaign {experiment.campaign_id} step {step}", message=summary,
                data=data, now=now)
    emit(db, WebhookEvent.EXPERIMENT_WINNER.value, {"campaign_id": experiment.campaign_id, "reason": reason, **data},
         now)


def review_all(db: Session, *, now: datetime, campaign_id: int | None = None) -> list[tuple[ExperimentDB, Decision]]:
    """Review every running experiment (of one campaign, or all)."""
    query = select(ExperimentDB).where(ExperimentDB.status == RUNNING).order_by(ExperimentDB.id)
    if campaign_id is not None:
        query = query.where(ExperimentDB.campaign_id == campaign_id)
    reviewed = []
    for experiment in db.scalars(query):
        decision = review(db, experiment, now=now)
        if decision is not None:
            reviewed.append((experiment, decision))
    return reviewed
