"""The experiment statistics against exact results worked by hand, against scipy's own integration and quantiles,
and against seeded Monte Carlo draws from the same posteriors."""

import numpy as np
import pytest

from aicmo.cam.experiments.rules import (
    Arm,
    InvalidCounts,
    expected_loss,
    msprt_p_value,
    prob_beats,
    prob_best,
    rate_interval,
    sample_needed,
    uplift_interval,
)

CASES = [(Arm("a", 1000, 50), Arm("b", 1000, 65)), (Arm("a", 200, 3), Arm("b", 180, 9)),
         (Arm("a", 40, 30), Arm("b", 45, 29)), (Arm("a", 0, 0), Arm("b", 12, 1))]


def draws(arm: Arm, size: int = 400_000) -> np.ndarray:
    return np.random.default_rng(17).beta(arm.alpha, arm.beta, size) if arm.name == "a" else \
        np.random.default_rng(71).beta(arm.alpha, arm.beta, size)


def test_worked_examples_by_hand_give_exact_probabilities() -> None:
    nothing = Arm("a", 0, 0)  # Beta(1, 1)
    one_yes, one_no = Arm("b", 1, 1), Arm("c", 1, 0)  # Beta(2, 1) and Beta(1, 2)
    assert prob_beats(nothing, nothing) == pytest.approx(0.5)
    assert prob_beats(nothing, one_yes) == pytest.approx(2 / 3)  # ∫ 2x · x dx
    assert prob_beats(one_no, one_yes) == pytest.approx(5 / 6)  # ∫ 2x (2x − x²) dx
    assert expected_loss([nothing, nothing])[0] == pytest.approx(1 / 6, abs=1e-6)  # E[max(U, V)] − 1/2 = 2/3 − 1/2


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_evan_millers_closed_form_matches_scipys_numerical_integration(control: Arm, variant: Arm) -> None:
    from scipy import integrate, stats  # imported where used, as the code under test does: it takes half a second

    numerical, _ = integrate.quad(lambda x: stats.beta.pdf(x, variant.alpha, variant.beta)
                                  * stats.beta.cdf(x, control.alpha, control.beta), 0, 1, limit=200, points=[
                                      control.mean, variant.mean])
    assert prob_beats(control, variant) == pytest.approx(numerical, abs=1e-6)


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_probability_to_be_best_of_two_is_the_probability_to_beat(control: Arm, variant: Arm) -> None:
    assert prob_best([control, variant])[1] == pytest.approx(prob_beats(control, variant), abs=1e-5)


def test_probability_to_be_best_of_three_matches_monte_carlo() -> None:
    arms = [Arm("a", 500, 25), Arm("b", 500, 31), Arm("c", 500, 35)]
    rng = np.random.default_rng(5)
    samples = np.stack([rng.beta(arm.alpha, arm.beta, 400_000) for arm in arms])
    shares = np.bincount(samples.argmax(axis=0), minlength=3) / samples.shape[1]
    assert prob_best(arms) == pytest.approx(list(shares), abs=4e-3)
    losses = samples.max(axis=0)[None, :] - samples
    assert expected_loss(arms) == pytest.approx(list(losses.mean(axis=1)), abs=2e-4)


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_rate_interval_is_scipys_beta_quantiles(control: Arm, variant: Arm) -> None:
    from scipy import stats

    for arm in (control, variant):
        assert rate_interval(arm) == pytest.approx(tuple(stats.beta.ppf([0.025, 0.975], arm.alpha, arm.beta)))


@pytest.mark.parametrize(("control", "variant"), CASES[:3])
def test_uplift_interval_matches_the_quantiles_of_seeded_draws(control: Arm, variant: Arm) -> None:
    ratio = draws(variant) / draws(control) - 1
    low, high = uplift_interval(control, variant)
    assert (low, high) == pytest.approx(tuple(np.quantile(ratio, [0.025, 0.975])), rel=0.02, abs=2e-3)


def test_msprt_p_value_follows_the_mixture_likelihood_ratio() -> None:
    control, variant, tau = Arm("a", 1000, 50), Arm("b", 1000, 80), 0.015
    v = 0.05 * 0.95 / 1000 + 0.08 * 0.92 / 1000
    ratio = np.sqrt(v / (v + tau**2)) * np.exp(0.03**2 * tau**2 / (2 * v * (v + tau**2)))
    assert msprt_p_value(control, variant, tau) == pytest.approx(1 / ratio)
    assert msprt_p_value(control, control, tau) == 1.0
    assert msprt_p_value(Arm("a", 0, 0), variant, tau) == 1.0


def test_the_sample_needed_grows_as_the_uplift_shrinks_and_is_larger_than_a_single_look_needs() -> None:
    from scipy import stats

    always_valid = sample_needed(0.05, 0.30, alpha=0.05, tau=0.015)
    p1, p2 = 0.05, 0.065
    fixed = ((stats.norm.ppf(0.975) * np.sqrt(2 * 0.0575 * 0.9425)
              + stats.norm.ppf(0.8) * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) / (p2 - p1)) ** 2
    assert 3700 < fixed < 3900  # the classic fixed-horizon figure for 5% against 6.5%
    assert fixed < always_valid < 3 * fixed  # the price of looking every day
    assert sample_needed(0.05, 0.15, alpha=0.05, tau=0.0075) > always_valid
    with pytest.raises(ValueError, match="uplift positive"):
        sample_needed(0.05, 0, alpha=0.05, tau=0.01)


def test_counts_that_are_not_a_sample_are_refused() -> None:
    with pytest.raises(InvalidCounts, match="'b': 5 goals out of 3 sends"):
        Arm("b", 3, 5)
