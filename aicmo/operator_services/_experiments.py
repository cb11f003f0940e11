"""Experiments: start one on a campaign step, read its figures, change its auto-winner, review them all; and the
campaign's history of decisions."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.experiments import decisions, figures
from aicmo.cam.experiments import service as experiments
from aicmo.cam.experiments.schemas import AutoWinner, ExperimentCreate, ExperimentRead
from aicmo.cam.history import service as history
from aicmo.cam.history.service import CampaignEventRead
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.db.base import utcnow


def create_experiment(db: Session, campaign: int | str, data: ExperimentCreate | dict[str, Any], *,
                      now: datetime | None = None) -> ExperimentRead:
    """Start an experiment on a campaign step; InvalidExperiment names the field at fault."""
    found = campaigns.get(db, campaign)
    steps = db.scalar(select(SequenceConfigDB.steps).where(SequenceConfigDB.campaign_id == found.id)) or []
    experiment = experiments.create(db, campaign_id=found.id, steps=steps, data=data, now=now or utcnow())
    db.commit()
    return figures.read(db, experiment)


def list_experiments(db: Session, campaign: int | str) -> list[ExperimentRead]:
    """Every experiment of a campaign with its figures now."""
    return [figures.read(db, e) for e in experiments.get_all(db, campaigns.get(db, campaign).id)]


def get_experiment(db: Session, campaign: int | str, step: int) -> ExperimentRead:
    """The experiment on a campaign's step (counted from 1) with its figures now."""
    return figures.read(db, experiments.get(db, campaigns.get(db, campaign).id, step))


def set_experiment_auto_winner(db: Session, campaign: int | str, step: int, mode: AutoWinner) -> ExperimentRead:
    """Change what the experiment does when its winner rule holds: off, notify or apply."""
    experiment = experiments.get(db, campaigns.get(db, campaign).id, step)
    experiments.set_auto_winner(db, experiment, mode, now=utcnow())
    db.commit()
    return figures.read(db, experiment)


def apply_experiment_winner(db: Session, campaign: int | str, step: int, variant: str | None = None
                            ) -> ExperimentRead:
    """Send every later lead of the step one variant: the decided winner, or the variant named."""
    experiment = experiments.get(db, campaigns.get(db, campaign).id, step)
    experiments.apply_winner(db, experiment, variant, now=utcnow())
    db.commit()
    return figures.read(db, experiment)


def review_experiments(db: Session, campaign: int | str | None = None, *,
                       now: datetime | None = None) -> list[tuple[int, int, str | None, str]]:
    """Ask every running experiment's winner rule (the worker does this periodically); act on the winners as each
    experiment says. Returns (campaign id, step from 1, winner or None, reason) per experiment reviewed."""
    campaign_id = None if campaign is None else campaigns.get(db, campaign).id
    reviewed = decisions.review_all(db, now=now or utcnow(), campaign_id=campaign_id)
    db.commit()
    return [(e.campaign_id, e.step + 1, d.winner, d.reason) for e, d in reviewed]


def get_campaign_history(db: Session, campaign: int | str, *, limit: int = 200) -> list[CampaignEventRead]:
    """What was decided about a campaign, when and why, oldest first."""
    return history.get_all(db, campaigns.get(db, campaign).id, limit=limit)
