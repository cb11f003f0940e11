"""REST routes for experiments on campaign steps, and the campaign's history of decisions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel

from aicmo import operator_services as ops
from aicmo.cam.experiments.schemas import AutoWinner, ExperimentCreate, ExperimentRead
from aicmo.cam.history.service import CampaignEventRead
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/campaigns/{campaign_id}", tags=["experiments"],
                   dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 404: PROBLEM_RESPONSES[404],
                              422: PROBLEM_RESPONSES[422]})
CampaignId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Step = Annotated[int, Path(ge=1, le=1000, description="The step, counted from 1.")]


class AutoWinnerChange(BaseModel):
    mode: AutoWinner


class WinnerChoice(BaseModel):
    variant: str | None = None  # a variant chosen by hand; the decided winner when left out


class Reviewed(BaseModel):
    step: int
    winner: str | None
    reason: str


@router.post("/experiments", status_code=status.HTTP_201_CREATED)
def create_experiment(campaign_id: CampaignId, data: ExperimentCreate, db: SessionDep) -> ExperimentRead:
    """Start an experiment on a step: 2 to 5 variants, their weights, a goal (never opens) and the winner rule."""
    return ops.create_experiment(db, campaign_id, data)


@router.get("/experiments")
def list_experiments(campaign_id: CampaignId, db: SessionDep) -> list[ExperimentRead]:
    """The campaign's experiments, each variant with its figures now."""
    return ops.list_experiments(db, campaign_id)


@router.get("/experiments/{step}")
def get_experiment(campaign_id: CampaignId, step: Step, db: SessionDep) -> ExperimentRead:
    """The experiment on a step: per variant its sends, goals, rate with interval, probability to be best,
    expected loss, uplift against control, always-valid p-value and decision; and the sample still needed."""
    return ops.get_experiment(db, campaign_id, step)


@router.put("/experiments/{step}/auto-winner")
def set_auto_winner(campaign_id: CampaignId, step: Step, change: AutoWinnerChange, db: SessionDep) -> ExperimentRead:
    """Set what happens when the winner rule holds: off, notify (alert and webhook) or apply."""
    return ops.set_experiment_auto_winner(db, campaign_id, step, change.mode)


@router.post("/experiments/{step}/apply")
def apply_winner(campaign_id: CampaignId, step: Step, choice: WinnerChoice, db: SessionDep) -> ExperimentRead:
    """Send every later lead of the step one variant (the decided winner, or the one named) and record it."""
    return ops.apply_experiment_winner(db, campaign_id, step, choice.variant)


@router.post("/experiments/review")
def review_experiments(campaign_id: CampaignId, db: SessionDep) -> list[Reviewed]:
    """Ask the campaign's running experiments' winner rule now and act on any winner (the worker does so hourly)."""
    return [Reviewed(step=step, winner=winner, reason=reason)
            for _, step, winner, reason in ops.review_experiments(db, campaign_id)]


@router.get("/history")
def campaign_history(campaign_id: CampaignId, db: SessionDep) -> list[CampaignEventRead]:
    """What was decided about the campaign, when and why, oldest first."""
    return ops.get_campaign_history(db, campaign_id)


