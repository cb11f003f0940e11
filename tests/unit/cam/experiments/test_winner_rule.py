"""The winner rule: nothing before every variant has its minimum sample, nothing on a tie, a clear winner with the
reason, the control can win too, and a rule out of range is refused by name. Goals are checked on the way in."""

import pytest
from pydantic import ValidationError

from aicmo.cam.experiments.rules import Arm, WinnerRule, decide, thompson_weights
from aicmo.cam.experiments.schemas import ExperimentCreate, RuleSettings

RULE = WinnerRule()


def test_no_decision_before_every_variant_has_its_minimum_sample() -> None:
    decision = decide([Arm("a", 5000, 250), Arm("b", 299, 100)], RULE)
    assert decision.winner is None and decision.reason == "'b' has 299 of 300 sends"


def test_two_equal_variants_give_no_winner() -> None:
    decision = decide([Arm("a", 4000, 200), Arm("b", 4000, 201)], RULE)
    assert decision.winner is None and "not yet significantly ahead of control" in decision.reason


def test_a_clear_winner_is_named_with_every_condition_it_met() -> None:
    decision = decide([Arm("a", 4000, 200), Arm("b", 4000, 320)], RULE)
    assert decision.winner == "b"
    assert "probability to be best 1.000 ≥ 0.95" in decision.reason and "every variant ≥ 300 sends" in decision.reason
    assert decision.p_values["b"] < 0.05


def test_the_control_wins_when_every_variant_is_significantly_worse() -> None:
    decision = decide([Arm("a", 4000, 320), Arm("b", 4000, 200), Arm("c", 4000, 190)], RULE)
    assert decision.winner == "a"


def test_the_always_valid_p_value_never_rises_again_between_looks() -> None:
    first = decide([Arm("a", 1000, 50), Arm("b", 1000, 75)], RULE)
    later = decide([Arm("a", 1100, 60), Arm("b", 1100, 60)], RULE, first.p_values)
    assert later.p_values["b"] == first.p_values["b"] < 1


def test_thompson_weights_favour_the_likely_best_but_keep_every_variant_learning() -> None:
    weights = thompson_weights([Arm("a", 4000, 200), Arm("b", 4000, 320)])
    assert weights[1] > 0.9 and weights[0] >= 0.05 / 1.05 - 1e-9 and sum(weights) == pytest.approx(1)


def test_a_rule_setting_out_of_range_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="min_probability_best=1.5 is out of range"):
        WinnerRule(min_probability_best=1.5)
    with pytest.raises(ValidationError, match="alpha=0.0 is out of range"):
        RuleSettings(alpha=0.0)


def test_opens_are_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="Apple Mail Privacy Protection"):
        ExperimentCreate(step=1, goal="opens")


def test_an_unknown_goal_is_refused_with_the_choices() -> None:
    with pytest.raises(ValidationError, match="unknown goal 'clicks': choose positive_reply"):
        ExperimentCreate(step=1, goal="clicks")
    assert ExperimentCreate(step=1).goal == "positive_reply"
