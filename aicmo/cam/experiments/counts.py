"""Each variant's evidence, counted per lead from the attempts, events and outcomes the reports count: a lead is
a send when one of its step's attempts was sent, and a goal when that message drew the goal."""

from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import Session

from aicmo.cam.experiments.models import ExperimentDB
from aicmo.cam.experiments.rules import Arm
from aicmo.cam.experiments.schemas import Goal
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB as E
from aicmo.cam.outreach.models import OutreachAttemptDB as A
from aicmo.cam.outreach.models import OutreachMessageDB as M


def _first_sends(experiment: ExperimentDB) -> Subquery:
    """The step's messages that went out, with the moment they first did."""
    return (select(M.id.label("message_id"), M.lead_id.label("lead_id"), M.template_variant.label("variant"),
                   func.min(A.started_at).label("sent_at"))
            .join(A, A.message_id == M.id)
            .where(M.campaign_id == experiment.campaign_id, M.sequence_step == experiment.step,
                   A.status == SendStatus.SENT)
            .group_by(M.id, M.lead_id, M.template_variant).subquery())


def _goal_query(experiment: ExperimentDB, sent: Subquery) -> Select[str | None, int]:
    goal = Goal(experiment.goal)
    query = select(sent.c.variant, func.count(func.distinct(sent.c.message_id)))
    if goal is Goal.REPLY:
        query = query.join(E, E.message_id == sent.c.message_id).where(E.kind == EventKind.REPLY)
    elif goal is Goal.POSITIVE_REPLY:
        query = query.join(OutcomeDB, OutcomeDB.message_id == sent.c.message_id).where(
            OutcomeDB.kind == OutcomeKind.POSITIVE_REPLY)
    else:  # a meeting is the lead's, not a message's: it counts for the step when it came after the step went out
        query = query.join(OutcomeDB, OutcomeDB.lead_id == sent.c.lead_id).where(
            OutcomeDB.kind.in_(MEETING_OR_BETTER), OutcomeDB.occurred_at >= sent.c.sent_at)
    return query.group_by(sent.c.variant)


def arms(db: Session, experiment: ExperimentDB) -> list[Arm]:
    """Sends and goals per variant, in the experiment's order (the control first)."""
    sent = _first_sends(experiment)
    by_variant: Select[str | None, int] = select(sent.c.variant, func.count()).group_by(sent.c.variant)
    sends: dict[str | None, int] = {variant: count for variant, count in db.execute(by_variant)}
    goals: dict[str | None, int] = {variant: count for variant, count in db.execute(_goal_query(experiment, sent))}
    result = []
    for variant in experiment.variants:
        name = variant["name"]
        trials = int(sends.get(name, 0))
        result.append(Arm(name, trials, min(int(goals.get(name, 0)), trials)))
    return result
