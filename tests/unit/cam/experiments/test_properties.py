"""Properties of the posteriors for any counts: probabilities are probabilities, and evidence only sharpens."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo.cam.experiments.rules import Arm, expected_loss, prob_beats, prob_best, rate_interval, uplift_interval


@st.composite
def arms(draw: st.DrawFn, most: int = 5) -> list[Arm]:
    count = draw(st.integers(2, most))
    result = []
    for index in range(count):
        trials = draw(st.integers(0, 5000))
        result.append(Arm(f"v{index}", trials, draw(st.integers(0, trials))))
    return result


@settings(max_examples=60, deadline=None)
@given(arms())
def test_probabilities_to_be_best_are_in_0_1_and_add_up_to_1(variants: list[Arm]) -> None:
    best = prob_best(variants)
    assert all(0.0 <= p <= 1.0 for p in best)
    assert sum(best) == pytest.approx(1.0)
    assert all(loss >= 0 for loss in expected_loss(variants))
    assert 0.0 <= prob_beats(variants[0], variants[1]) <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.floats(0, 1), st.integers(2, 6))
def test_more_evidence_at_the_same_rate_never_widens_the_rate_interval(trials: int, rate: float, factor: int) -> None:
    successes = round(trials * rate)
    low, high = rate_interval(Arm("a", trials, successes))
    more_low, more_high = rate_interval(Arm("a", trials * factor, successes * factor))
    assert more_high - more_low <= high - low + 1e-12


@settings(max_examples=25, deadline=None)
@given(st.integers(20, 400), st.floats(0.05, 0.5), st.floats(0.05, 0.5), st.integers(2, 5))
def test_more_evidence_at_the_same_rates_never_widens_the_uplift_interval(
        trials: int, control_rate: float, variant_rate: float, factor: int) -> None:
    control = Arm("a", trials, max(1, round(trials * control_rate)))
    variant = Arm("b", trials, max(1, round(trials * variant_rate)))
    low, high = uplift_interval(control, variant)
    more = uplift_interval(Arm("a", control.trials * factor, control.successes * factor),
                           Arm("b", variant.trials * factor, variant.successes * factor))
    assert more[1] - more[0] <= high - low + 1e-6
