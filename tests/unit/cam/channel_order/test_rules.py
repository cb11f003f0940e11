"""The channel-order bandit: which orders a campaign allows, how a step's channels follow the order chosen, and
Thompson sampling's choices."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo.cam.channel_order import rules
from aicmo.cam.channel_order.rules import Arm
from aicmo.cam.outreach.domain import Channel

EMAIL, LINKEDIN, FORM = Channel.EMAIL, Channel.LINKEDIN, Channel.CONTACT_FORM
channel_sets = st.lists(st.sampled_from(list(Channel)), min_size=1, max_size=3, unique=True)


def arms_for(orders: list[rules.Order], counts: list[tuple[int, int]]) -> list[Arm]:
    return [Arm(order, leads, positives) for order, (leads, positives) in zip(orders, counts, strict=True)]


def test_every_order_of_the_campaigns_channels_is_a_candidate_with_its_own_order_first() -> None:
    orders = rules.candidate_orders((EMAIL, LINKEDIN, FORM))
    assert len(orders) == 6 and orders[0] == (EMAIL, LINKEDIN, FORM)
    assert set(orders) == set(itertools.permutations((EMAIL, LINKEDIN, FORM)))


def test_listed_orders_are_the_only_candidates() -> None:
    listed = [[LINKEDIN, EMAIL], [EMAIL, LINKEDIN]]
    assert rules.candidate_orders((EMAIL, LINKEDIN), listed) == [(LINKEDIN, EMAIL), (EMAIL, LINKEDIN)]


def test_the_campaigns_channels_are_those_its_steps_use_in_order_of_first_use() -> None:
    assert rules.campaign_channels([[LINKEDIN], [EMAIL, FORM], [EMAIL]]) == (LINKEDIN, EMAIL, FORM)


@pytest.mark.parametrize(("order", "problem"), [
    ([EMAIL, EMAIL, LINKEDIN], "a channel appears twice"),
    ([EMAIL, LINKEDIN, FORM], "the campaign's steps do not use contact_form"),
    ([LINKEDIN], "leaves out email, which the campaign's steps use"),
])
def test_an_order_the_campaign_cannot_use_is_refused_with_the_reason(order: list[Channel], problem: str) -> None:
    assert rules.order_problem(order, (EMAIL, LINKEDIN)) == problem


def test_an_order_of_the_campaigns_own_channels_is_accepted() -> None:
    assert rules.order_problem([LINKEDIN, EMAIL], (EMAIL, LINKEDIN)) is None


def test_a_step_keeps_its_own_channels_in_the_order_chosen_for_the_lead() -> None:
    order = (FORM, LINKEDIN, EMAIL)
    assert rules.applied(order, [EMAIL, LINKEDIN]) == [LINKEDIN, EMAIL]
    assert rules.applied(order, [LINKEDIN]) == [LINKEDIN]
    assert rules.applied(order, [EMAIL, LINKEDIN, FORM]) == [FORM, LINKEDIN, EMAIL]


@given(order=st.permutations(list(Channel)), step=channel_sets)
def test_applying_an_order_only_reorders_the_steps_channels(order: list[Channel], step: list[Channel]) -> None:
    result = rules.applied(order, step)
    assert sorted(result) == sorted(step)
    assert [order.index(channel) for channel in result] == sorted(order.index(channel) for channel in step)


def test_a_segment_is_the_attributes_value_and_leads_without_one_share_the_unknown_segment() -> None:
    assert rules.segment_of("grade", "a") == "A"
    assert rules.segment_of("industry", " Software ") == "software"
    assert rules.segment_of("country", None) == rules.UNKNOWN_SEGMENT


def test_an_attribute_outside_the_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown segment attribute 'email'"):
        rules.segment_of("email", "a@b.c")


@settings(max_examples=60, deadline=None)
@given(channels=channel_sets, counts=st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=6,
                                              max_size=6), seed=st.integers(0, 2**32))
def test_the_chosen_order_is_always_one_the_campaign_allows(channels: list[Channel],
                                                           counts: list[tuple[int, int]], seed: int) -> None:
    orders = rules.candidate_orders(channels)
    arms = arms_for(orders, [(max(n, k), min(n, k)) for n, k in counts[:len(orders)]])
    chosen = rules.choose(arms, np.random.default_rng(seed))
    assert chosen in orders
    assert rules.order_problem(chosen, channels) is None


@settings(max_examples=25, deadline=None)
@given(best=st.integers(0, 5), seed=st.integers(0, 2**32))
def test_with_overwhelming_evidence_the_best_order_is_chosen_almost_always(best: int, seed: int) -> None:
    orders = rules.candidate_orders((EMAIL, LINKEDIN, FORM))
    counts = [(5000, 600 if index == best else 400) for index in range(len(orders))]
    picks = rules.choose_many(arms_for(orders, counts), 1000, np.random.default_rng(seed))
    assert picks.count(best) >= 990


def test_without_evidence_every_order_gets_about_an_equal_share() -> None:
    orders = rules.candidate_orders((EMAIL, LINKEDIN, FORM))
    picks = rules.choose_many([Arm(order) for order in orders], 60_000, np.random.default_rng(7))
    shares = np.bincount(picks, minlength=6) / 60_000
    assert np.all(np.abs(shares - 1 / 6) < 0.01)


def test_the_same_seed_and_evidence_give_the_same_choice() -> None:
    arms = arms_for(rules.candidate_orders((EMAIL, LINKEDIN)), [(10, 3), (12, 4)])
    seed = rules.seed_for(3, 41)
    assert rules.seed_for(3, 41) == seed != rules.seed_for(41, 3)
    assert [rules.choose(arms, np.random.default_rng(seed)) for _ in range(5)] == [
        rules.choose(arms, np.random.default_rng(seed))] * 5


@given(counts=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), min_size=1, max_size=6))
@settings(max_examples=40, deadline=None)
def test_probabilities_to_be_best_lie_in_0_1_and_sum_to_1(counts: list[tuple[int, int]]) -> None:
    orders = list(itertools.permutations((EMAIL, LINKEDIN, FORM)))[:len(counts)]
    probabilities = rules.probability_best(arms_for(orders, [(max(n, k), min(n, k)) for n, k in counts]),
                                           draws=2000)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert sum(probabilities) == pytest.approx(1.0)


def test_an_order_far_ahead_is_almost_surely_the_best() -> None:
    orders = rules.candidate_orders((EMAIL, LINKEDIN))
    assert rules.probability_best(arms_for(orders, [(1000, 50), (1000, 120)]))[1] > 0.999


def test_there_is_nothing_to_choose_without_an_order() -> None:
    with pytest.raises(ValueError, match="no channel order"):
        rules.choose([], np.random.default_rng(0))
