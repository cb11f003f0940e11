"""Experiments on a real database (SQLite and PostgreSQL): bad input refused with one clear error each, the goals
counted per lead from the recorded history, and `notify` recording the winner without changing what is sent."""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.experiments.models import ExperimentDB
from aicmo.cam.experiments.schemas import AutoWinner
from aicmo.cam.experiments.service import assignment
from tests.integration.cam.experiments.seed import CAMPAIGN, SENT_AT, seed_experiment

TWO = [{"name": "a", "body": "Hi A"}, {"name": "b", "body": "Hi B"}]


@pytest.mark.parametrize(("data", "message"), [
    ({"step": 1, "variants": [{"name": "a", "body": "Hi"}]},
     "variants: an experiment has 2 to 5 variants; this one has 1"),
    ({"step": 1, "variants": [dict(v, weight=0) for v in TWO]},
     "variants: the weights add up to 0: at least one variant needs a positive weight"),
    ({"step": 1, "variants": [{"name": "a", "body": "Hi", "weight": -1}, TWO[1]]},
     "variants.0.weight: a weight is a finite number of zero or more, not -1.0"),
    ({"step": 1, "goal": "opens"}, "goal: opens are not a goal: Apple Mail Privacy Protection"),
    ({"step": 1, "goal": "revenue"},
     "goal: unknown goal 'revenue': choose positive_reply (the default), meeting or reply"),
    ({"step": 3}, "step: the campaign has 2 steps; there is no step 3"),
    ({"step": 1, "kind": "channel_order", "variants": TWO}, "a channel_order experiment needs channels on every"),
    ({"step": 1, "kind": "linkedin_note", "variants": [dict(v, channels=["email"]) for v in TWO]},
     "kind: a LinkedIn note experiment is on a step that goes to LinkedIn"),
    ({"step": 1, "variants": [{"name": "a", "body": "Hi {{ first_name"}, TWO[1]]}, "variants.0: "),
    ({"step": 1, "rule": {"min_probability_best": 2}}, "min_probability_best=2.0 is out of range"),
], ids=["one-variant", "zero-weights", "negative-weight", "opens", "unknown-goal", "no-such-step", "no-channels",
        "note-without-linkedin", "broken-template", "rule-out-of-range"])
def test_bad_experiments_are_refused_with_one_clear_error_and_nothing_stored(
        db: Session, data: dict[str, Any], message: str) -> None:
    campaign = ops.create_campaign(db, CAMPAIGN)
    with pytest.raises(ops.InvalidExperiment) as refused:
        ops.create_experiment(db, campaign.id, data)
    db.rollback()
    assert message in str(refused.value)
    assert db.scalar(select(ExperimentDB.id)) is None
    assert ops.get_campaign_history(db, campaign.id) == []


def test_a_step_holds_one_experiment_and_channel_orders_must_differ(db: Session) -> None:
    campaign = ops.create_campaign(db, CAMPAIGN)
    orders = [{"name": "email first", "channels": ["email", "linkedin"]},
              {"name": "linkedin first", "channels": ["linkedin", "email"]}]
    created = ops.create_experiment(db, campaign.id, {"step": 2, "kind": "channel_order", "variants": orders})
    assert [v.name for v in created.variants] == ["email first", "linkedin first"]
    with pytest.raises(ops.InvalidExperiment, match="step 2 already has an experiment"):
        ops.create_experiment(db, campaign.id, {"step": 2, "kind": "channel_order", "variants": orders})
    db.rollback()
    with pytest.raises(ops.InvalidExperiment, match="two variants have the same channel order"):
        ops.create_experiment(db, campaign.id, {"step": 1, "kind": "channel_order",
                                                "variants": [orders[0], dict(orders[0], name="again")]})


def test_goals_are_counted_per_lead_from_replies_intents_and_meetings(db: Session) -> None:
    campaign = seed_experiment(db)
    figures = {v.name: (v.sends, v.goals) for v in ops.get_experiment(db, campaign.id, 1).variants}
    assert figures == {"plain": (40, 2), "specific": (40, 14)}
    experiment = db.scalar(select(ExperimentDB))
    assert experiment is not None
    experiment.goal = "reply"
    db.commit()
    assert {v.name: v.goals for v in ops.get_experiment(db, campaign.id, 1).variants} == {"plain": 5, "specific": 14}
    experiment.goal = "meeting"
    db.commit()
    assert {v.name: v.goals for v in ops.get_experiment(db, campaign.id, 1).variants} == {"plain": 0, "specific": 1}


def test_notify_records_the_winner_and_the_reason_but_keeps_splitting_leads(db: Session) -> None:
    campaign = seed_experiment(db)
    reviewed = ops.review_experiments(db, campaign.name, now=SENT_AT)
    assert reviewed[0][:3] == (campaign.id, 1, "specific")
    shown = ops.get_experiment(db, campaign.id, 1)
    assert (shown.status, shown.winner) == ("decided", "specific")
    assert [e.kind for e in ops.get_campaign_history(db, campaign.id)] == ["experiment.started",
                                                                          "experiment.winner_found"]
    split = assignment(db, campaign.id, 0)
    assert split is not None and split.winner is None
    assert {split.choose(lead, 0).name for lead in range(1, 60)} == {"plain", "specific"}
    assert ops.review_experiments(db, campaign.id) == []  # decided: not reviewed again


def test_changing_the_auto_winner_is_in_the_history(db: Session) -> None:
    campaign = seed_experiment(db)
    changed = ops.set_experiment_auto_winner(db, campaign.id, 1, AutoWinner.APPLY)
    assert changed.auto_winner is AutoWinner.APPLY
    assert ops.get_campaign_history(db, campaign.id)[-1].summary == "step 1: auto-winner notify → apply"
    with pytest.raises(ops.ExperimentNotFound, match="has no experiment on step 2"):
        ops.get_experiment(db, campaign.id, 2)


def test_thompson_allocation_gives_new_leads_mostly_the_likely_best_and_a_lead_keeps_its_variant(
        db: Session) -> None:
    campaign = seed_experiment(db)
    experiment = db.scalar(select(ExperimentDB))
    assert experiment is not None
    experiment.allocation, experiment.auto_winner = "thompson", "off"
    db.commit()
    assert ops.review_experiments(db, campaign.id)[0][2] == "specific"  # the rule holds; off: nothing acted on
    split = assignment(db, campaign.id, 0)
    assert split is not None and split.winner is None and split.weights[1] > 0.9
    chosen = [split.choose(lead, 0).name for lead in range(1, 401)]
    assert 0 < chosen.count("plain") < 60 and chosen == [split.choose(lead, 0).name for lead in range(1, 401)]
    assert ops.get_experiment(db, campaign.id, 1).status == "running"


def test_a_decided_winner_or_a_variant_chosen_by_hand_is_applied_and_recorded(db: Session) -> None:
    campaign = seed_experiment(db)
    with pytest.raises(ops.InvalidExperiment, match="no winner decided yet: name the variant to apply"):
        ops.apply_experiment_winner(db, campaign.id, 1)
    with pytest.raises(ops.InvalidExperiment, match="'other' is not one of plain, specific"):
        ops.apply_experiment_winner(db, campaign.id, 1, "other")
    db.rollback()
    ops.review_experiments(db, campaign.id, now=SENT_AT)
    applied = ops.apply_experiment_winner(db, campaign.id, 1)
    assert (applied.status, applied.winner) == ("applied", "specific")
    split = assignment(db, campaign.id, 0)
    assert split is not None and {split.choose(lead, 0).name for lead in range(1, 40)} == {"specific"}
    by_hand = ops.apply_experiment_winner(db, campaign.id, 1, "plain")
    assert by_hand.winner == "plain"
    last = ops.get_campaign_history(db, campaign.id)[-1]
    assert (last.kind, last.data["by_hand"]) == ("experiment.winner_applied", True)
    assert last.summary == "step 1: 'plain' applied, chosen by hand; every later lead gets it"
