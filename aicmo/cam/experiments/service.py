"""Experiments: create one on a campaign step, find them, and say which variant a lead gets. Never commits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.experiments.models import ExperimentDB
from aicmo.cam.experiments.schemas import (
    MAX_VARIANTS,
    MIN_VARIANTS,
    AutoWinner,
    ExperimentCreate,
    ExperimentVariant,
    Kind,
)
from aicmo.cam.history import service as history
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.templates.render import check_template
from aicmo.cam.templates.variants import choose_variant
from aicmo.errors import ExperimentNotFound, InvalidExperiment, validated

RUNNING, DECIDED, APPLIED = "running", "decided", "applied"


def _parse(data: ExperimentCreate | dict[str, Any]) -> ExperimentCreate:
    return validated(ExperimentCreate, data, InvalidExperiment)


def _variants(spec: ExperimentCreate, step: dict[str, Any]) -> list[ExperimentVariant]:
    """The variants asked for, or the step's own A/B variants; checked for count, weights and what they vary."""
    variants = spec.variants or [ExperimentVariant(name=v["name"], weight=v.get("weight", 1.0),
                                                   subject=v.get("subject"), body=v.get("body"))
                                 for v in step.get("variants") or []]
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        raise InvalidExperiment("variants", f"an experiment has {MIN_VARIANTS} to {MAX_VARIANTS} variants; "
                                            f"this one has {len(variants)}")
    if len({v.name for v in variants}) != len(variants):
        raise InvalidExperiment("variants", "variant names must be distinct")
    if sum(v.weight for v in variants) <= 0:
        raise InvalidExperiment("variants", "the weights add up to 0: at least one variant needs a positive weight")
    _check_kind(spec.kind, variants, step)
    for number, variant in enumerate(variants):
        problems = check_template(variant.subject or step.get("subject"), variant.body or step.get("body") or "")
        if problems:
            raise InvalidExperiment(f"variants.{number}", "; ".join(problems))
    return variants


def _check_kind(kind: Kind, variants: Sequence[ExperimentVariant], step: dict[str, Any]) -> None:
    needed = {Kind.SUBJECT: "subject", Kind.BODY: "body", Kind.LINKEDIN_NOTE: "body",
              Kind.CHANNEL_ORDER: "channels"}[kind]
    missing = [v.name for v in variants if getattr(v, needed) is None]
    if missing:
        raise InvalidExperiment("variants", f"a {kind.value} experiment needs {needed} on every variant; "
                                            f"{missing[0]!r} has none")
    if kind is Kind.CHANNEL_ORDER and len({tuple(v.channels or ()) for v in variants}) != len(variants):
        raise InvalidExperiment("variants", "two variants have the same channel order")
    if kind is Kind.LINKEDIN_NOTE:
        orders = [v.channels or step.get("channels") or [] for v in variants]
        if any(Channel.LINKEDIN.value not in [str(c) for c in order] for order in orders):
            raise InvalidExperiment("kind", "a LinkedIn note experiment is on a step that goes to LinkedIn")


def create(db: Session, *, campaign_id: int, steps: Sequence[dict[str, Any]], data: ExperimentCreate | dict[str, Any],
           now: datetime) -> ExperimentDB:
    """Start an experiment on a step; InvalidExperiment names the field at fault."""
    spec = _parse(data)
    if spec.step > len(steps):
        raise InvalidExperiment("step", f"the campaign has {len(steps)} steps; there is no step {spec.step}")
    index = spec.step - 1
    variants = _variants(spec, steps[index])
    if db.scalar(select(ExperimentDB.id).where(ExperimentDB.campaign_id == campaign_id,
                                               ExperimentDB.step == index)) is not None:
        raise InvalidExperiment("step", f"step {spec.step} already has an experiment")
    experiment = ExperimentDB(
        campaign_id=campaign_id, step=index, kind=spec.kind.value, goal=spec.goal,
        variants=[v.model_dump(mode="json") for v in variants], auto_winner=spec.auto_winner.value,
        allocation=spec.allocation.value, rule=spec.rule.model_dump(exclude_none=True), status=RUNNING,
        state={}, created_at=now)
    db.add(experiment)
    db.flush()
    history.record(db, campaign_id, "experiment.started",
                   f"step {spec.step}: {spec.kind.value} experiment of {', '.join(v.name for v in variants)} "
                   f"(control {variants[0].name}), goal {spec.goal}, auto-winner {spec.auto_winner.value}, "
                   f"allocation {spec.allocation.value}", at=now, data={"experiment_id": experiment.id})
    return experiment


def get_all(db: Session, campaign_id: int) -> list[ExperimentDB]:
    return list(db.scalars(select(ExperimentDB).where(ExperimentDB.campaign_id == campaign_id)
                           .order_by(ExperimentDB.step)))


def get(db: Session, campaign_id: int, step: int) -> ExperimentDB:
    """The experiment on a step (counted from 1)."""
    found = db.scalar(select(ExperimentDB).where(ExperimentDB.campaign_id == campaign_id,
                                                 ExperimentDB.step == step - 1))
    if found is None:
        raise ExperimentNotFound(campaign_id, step)
    return found


def set_auto_winner(db: Session, experiment: ExperimentDB, mode: AutoWinner, *, now: datetime) -> None:
    """Change what happens when the winner rule holds, and say so in the campaign's history."""
    if experiment.auto_winner != mode.value:
        history.record(db, experiment.campaign_id, "experiment.auto_winner",
                       f"step {experiment.step + 1}: auto-winner {experiment.auto_winner} → {mode.value}", at=now,
                       data={"experiment_id": experiment.id})
        experiment.auto_winner = mode.value


def apply_winner(db: Session, experiment: ExperimentDB, variant: str | None, *, now: datetime) -> None:
    """Send every later lead one variant: the decided winner, or the one named (a choice made by hand)."""
    names = [v["name"] for v in experiment.variants]
    chosen = variant or experiment.winner
    if chosen is None:
        raise InvalidExperiment("variant", "no winner decided yet: name the variant to apply")
    if chosen not in names:
        raise InvalidExperiment("variant", f"{chosen!r} is not one of {', '.join(names)}")
    by_hand = experiment.winner != chosen
    why = "chosen by hand" if by_hand else f"the rule's winner ({experiment.reason})"
    experiment.winner, experiment.status = chosen, APPLIED
    experiment.decided_at = now if by_hand or experiment.decided_at is None else experiment.decided_at
    history.record(db, experiment.campaign_id, "experiment.winner_applied",
                   f"step {experiment.step + 1}: {chosen!r} applied, {why}; every later lead gets it", at=now,
                   data={"experiment_id": experiment.id, "winner": chosen, "by_hand": by_hand})


@dataclass(frozen=True)
class Assignment:
    """Which variant each lead gets at a step under experiment."""

    variants: list[ExperimentVariant]
    weights: list[float]
    winner: str | None  # applied: every later lead gets it

    def choose(self, lead_id: int, step: int) -> ExperimentVariant:
        """The lead's variant: the applied winner, else by weight, always the same for the same lead and step."""
        name = self.winner or choose_variant([v.name for v in self.variants], lead_id, step, weights=self.weights)
        return next(v for v in self.variants if v.name == name)


def assignment(db: Session, campaign_id: int, step: int) -> Assignment | None:
    """How leads are split at a step (counted from 0), or None when the step has no experiment."""
    experiment = db.scalar(select(ExperimentDB).where(ExperimentDB.campaign_id == campaign_id,
                                                      ExperimentDB.step == step))
    if experiment is None:
        return None
    variants = [ExperimentVariant.model_validate(v) for v in experiment.variants]
    weights = [float(w) for w in experiment.state.get("weights") or [v.weight for v in variants]]
    return Assignment(variants, weights, experiment.winner if experiment.status == APPLIED else None)
