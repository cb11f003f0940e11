"""What an experiment shows: per variant its sends, goals, rate with interval, probability to be best, expected
loss, uplift against control, always-valid p-value and standing; and the sample still needed."""

from sqlalchemy.orm import Session

from aicmo.cam.experiments import counts, rules
from aicmo.cam.experiments.models import ExperimentDB
from aicmo.cam.experiments.rules import Arm, WinnerRule
from aicmo.cam.experiments.schemas import (
    Allocation,
    AutoWinner,
    ExperimentRead,
    Goal,
    Kind,
    VariantFigures,
)


def rule_of(experiment: ExperimentDB) -> WinnerRule:
    return WinnerRule(**experiment.rule)


def baseline(control: Arm, rule: WinnerRule) -> float:
    """The control's rate once it has its minimum sample (and room for the uplift), else the expected one."""
    if control.trials >= rule.min_sample and 0 < control.observed < 1 / (1 + rule.mde):
        return control.observed
    return rule.expected_rate


def _standing(experiment: ExperimentDB, name: str, index: int, leader: str) -> str:
    if experiment.winner is not None:
        return "winner" if name == experiment.winner else "lost"
    return ("control, " if index == 0 else "") + ("leading" if name == leader else "behind")


def variant_figures(experiment: ExperimentDB, arms: list[Arm], rule: WinnerRule) -> list[VariantFigures]:
    best, loss = rules.prob_best(arms), rules.expected_loss(arms)
    p_values = rules.always_valid(arms, rule, experiment.state.get("p_values") or {})
    leader = arms[max(range(len(arms)), key=lambda i: arms[i].mean)].name
    control, rows = arms[0], []
    for index, (arm, variant) in enumerate(zip(arms, experiment.variants, strict=True)):
        low, high = rules.rate_interval(arm)
        compared = index > 0 and control.trials > 0 and arm.trials > 0
        uplift = rules.uplift_interval(control, arm) if compared else (None, None)
        rows.append(VariantFigures(
            name=arm.name, control=index == 0, weight=float(variant.get("weight", 1.0)), sends=arm.trials,
            goals=arm.successes, rate=arm.observed, rate_low=low, rate_high=high, probability_best=best[index],
            probability_beats_control=rules.prob_beats(control, arm) if index > 0 else None,
            expected_loss=loss[index], uplift_low=uplift[0], uplift_high=uplift[1],
            always_valid_p=p_values.get(arm.name), decision=_standing(experiment, arm.name, index, leader)))
    return rows


def read(db: Session, experiment: ExperimentDB) -> ExperimentRead:
    """The experiment and its figures now."""
    arms = counts.arms(db, experiment)
    rule = rule_of(experiment)
    needed = rules.sample_needed(baseline(arms[0], rule), rule.mde, alpha=rule.alpha / (len(arms) - 1),
                                 tau=rule.tau, power=rule.power)
    return ExperimentRead(
        id=experiment.id, campaign_id=experiment.campaign_id, step=experiment.step + 1, kind=Kind(experiment.kind),
        goal=Goal(experiment.goal), auto_winner=AutoWinner(experiment.auto_winner),
        allocation=Allocation(experiment.allocation), rule=dict(vars(rule)), status=experiment.status,
        winner=experiment.winner, decided_at=experiment.decided_at, reason=experiment.reason, sample_needed=needed,
        sample_remaining=max(0, needed - min(arm.trials for arm in arms)),
        variants=variant_figures(experiment, arms, rule), created_at=experiment.created_at)
