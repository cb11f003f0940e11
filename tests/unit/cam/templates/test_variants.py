import pytest

from aicmo.cam.templates.variants import InvalidVariants, choose_variant

LEADS = range(1, 10_001)


def test_two_variants_split_leads_evenly() -> None:
    chosen = [choose_variant(["A", "B"], lead_id, 1) for lead_id in LEADS]
    assert 0.47 <= chosen.count("A") / len(chosen) <= 0.53


def test_three_variants_each_get_about_a_third() -> None:
    chosen = [choose_variant(["A", "B", "C"], lead_id, 2) for lead_id in LEADS]
    shares = {name: chosen.count(name) / len(chosen) for name in "ABC"}
    assert {name: 0.30 <= share <= 0.37 for name, share in shares.items()} == dict.fromkeys("ABC", True), shares


def test_a_lead_gets_the_same_variant_every_time() -> None:
    first = [choose_variant(["A", "B"], lead_id, 3) for lead_id in range(500)]
    assert [choose_variant(["A", "B"], lead_id, 3) for lead_id in range(500)] == first


def test_steps_are_chosen_independently() -> None:
    pairs = [(choose_variant(["A", "B"], lead_id, 1), choose_variant(["A", "B"], lead_id, 2)) for lead_id in LEADS]
    assert 0.45 <= sum(a == b for a, b in pairs) / len(pairs) <= 0.55


def test_weighted_variants_follow_their_weights() -> None:
    chosen = [choose_variant(["A", "B"], lead_id, 1, weights=[0.8, 0.2]) for lead_id in LEADS]
    assert 0.77 <= chosen.count("A") / len(chosen) <= 0.83


def test_a_zero_weight_variant_is_never_chosen() -> None:
    assert {choose_variant(["A", "B", "C"], lead_id, 1, weights=[0, 1, 0]) for lead_id in range(2000)} == {"B"}


def test_equal_weights_give_the_uniform_choice() -> None:
    weighted = [choose_variant(["A", "B"], lead_id, 4, weights=[1, 1]) for lead_id in range(2000)]
    assert weighted == [choose_variant(["A", "B"], lead_id, 4) for lead_id in range(2000)]


@pytest.mark.parametrize(("names", "weights"), [([], None), (["A", "B"], [1.0]), (["A"], [-1.0]), (["A", "B"], [0, 0]),
                                                (["A"], [float("nan")])])
def test_impossible_variants_are_refused(names: list[str], weights: list[float] | None) -> None:
    with pytest.raises(InvalidVariants):
        choose_variant(names, 1, 1, weights=weights)
