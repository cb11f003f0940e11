"""Attribution models, worked by hand on small journeys, and their properties over any journeys."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicmo.cam.attribution.rules import (
    NO_TOUCH,
    Journey,
    Model,
    Touch,
    attribute,
    idle_transitions,
    markov,
    per_touch,
    shapley,
)

DAY = timedelta(days=1)
START = datetime(2026, 1, 1, tzinfo=UTC)


def touch(label: str, day: int) -> Touch:
    return Touch(label, START + day * DAY)


def journey(*labels: str, weight: float = 1.0, outcome_day: int | None = None) -> Journey:
    touches = tuple(touch(label, day) for day, label in enumerate(labels))
    return Journey(touches, weight, START + (outcome_day if outcome_day is not None else len(labels)) * DAY)


THREE = journey("email", "linkedin", "form", weight=1200, outcome_day=3)  # touches on days 0, 1, 2


@pytest.mark.parametrize(("model", "expected"), [
    (Model.FIRST, {"email": 1200, "linkedin": 0, "form": 0}),
    (Model.LAST, {"email": 0, "linkedin": 0, "form": 1200}),
    (Model.LINEAR, {"email": 400, "linkedin": 400, "form": 400}),
    (Model.POSITION, {"email": 480, "linkedin": 240, "form": 480}),
    # Half-life one day: weights 1/8, 1/4, 1/2 of the days before the outcome, normalised by 7/8.
    (Model.TIME_DECAY, {"email": 1200 / 7, "linkedin": 2400 / 7, "form": 4800 / 7}),
    (Model.SHAPLEY, {"email": 400, "linkedin": 400, "form": 400}),
    (Model.MARKOV, {"email": 400, "linkedin": 400, "form": 400}),  # every removal loses the one path
])
def test_a_three_touch_path(model: Model, expected: dict[str, float]) -> None:
    assert attribute([THREE], model, half_life=DAY) == pytest.approx(expected)


@pytest.mark.parametrize("model", list(Model))
def test_a_one_touch_path_gives_it_everything(model: Model) -> None:
    assert attribute([journey("linkedin", weight=3)], model) == pytest.approx({"linkedin": 3})


@pytest.mark.parametrize("model", list(Model))
def test_an_outcome_with_no_touch_in_the_lookback_is_credited_to_no_touch(model: Model) -> None:
    credits = attribute([journey(weight=500), journey("email")], model)
    assert credits == pytest.approx({NO_TOUCH: 500, "email": 1})


def test_a_path_across_two_campaigns_credits_both() -> None:
    across = journey("Q3 intro", "Q4 follow-up", "Q4 follow-up")
    assert attribute([across], Model.LINEAR) == pytest.approx({"Q3 intro": 1 / 3, "Q4 follow-up": 2 / 3})
    assert attribute([across], Model.FIRST) == pytest.approx({"Q3 intro": 1, "Q4 follow-up": 0})
    assert attribute([across], Model.SHAPLEY) == pytest.approx({"Q3 intro": 0.5, "Q4 follow-up": 0.5})


def test_markov_removal_effects_worked_by_hand() -> None:
    # start→E→L→F→conversion, start→E→conversion, start→L→nothing. P(conversion) = 2/3; without email 1/6
    # (effect 3/4), without LinkedIn 1/3 (1/2), without the form 1/3 (1/2): 2 outcomes shared 3 : 2 : 2.
    journeys = [journey("email", "linkedin", "form"), journey("email"), journey("linkedin", weight=0)]
    assert attribute(journeys, Model.MARKOV) == pytest.approx({"email": 6 / 7, "linkedin": 4 / 7, "form": 4 / 7})


def test_markov_reads_repeats_in_a_row_as_one_state() -> None:
    assert attribute([journey("email", "email", "linkedin")], Model.MARKOV) == pytest.approx(
        {"email": 0.5, "linkedin": 0.5})


def test_journeys_that_led_to_nothing_change_markov_but_no_rule_based_model() -> None:
    converting = [journey("email", "linkedin"), journey("linkedin")]
    with_losses = [*converting, *(journey("linkedin", weight=0) for _ in range(5))]
    assert attribute(with_losses, Model.LINEAR) == attribute(converting, Model.LINEAR)
    assert attribute(with_losses, Model.MARKOV) != pytest.approx(attribute(converting, Model.MARKOV))
    assert sum(attribute(with_losses, Model.MARKOV).values()) == pytest.approx(2)


LABELS = st.sampled_from(["email", "linkedin", "form", "step 1", "step 2"])


def _journey(labels: list[str], weight: float, gap: int) -> Journey:
    return journey(*labels, weight=weight, outcome_day=len(labels) + gap)


JOURNEYS = st.lists(st.builds(_journey, st.lists(LABELS, max_size=6), st.sampled_from([0, 0, 1, 2.5, 1000]),
                              st.integers(0, 30)), max_size=12)


@given(JOURNEYS, st.sampled_from(list(Model)))
def test_every_models_credits_add_up_to_the_outcomes_total(journeys: list[Journey], model: Model) -> None:
    credits = attribute(journeys, model)
    assert sum(credits.values()) == pytest.approx(sum(j.weight for j in journeys))
    assert all(value >= -1e-9 for value in credits.values())


@given(JOURNEYS)
def test_first_and_last_touch_give_each_journey_to_one_touch(journeys: list[Journey]) -> None:
    first, last = attribute(journeys, Model.FIRST), attribute(journeys, Model.LAST)
    expected_first: dict[str, float] = {}
    expected_last: dict[str, float] = {}
    for one in journeys:
        if one.weight:
            for expected, chosen in ((expected_first, 0), (expected_last, -1)):
                label = one.touches[chosen].label if one.touches else NO_TOUCH
                expected[label] = expected.get(label, 0) + one.weight
    assert {k: v for k, v in first.items() if v} == pytest.approx(expected_first)
    assert {k: v for k, v in last.items() if v} == pytest.approx(expected_last)


@given(JOURNEYS)
def test_shapley_is_symmetric_when_two_labels_always_appear_together(journeys: list[Journey]) -> None:
    # Rename "form" to travel with "email" everywhere: two interchangeable players get equal values.
    paired = [Journey(tuple(t for x in j.touches for t in ((x, Touch("form", x.at)) if x.label == "email" else
                                                            ((x,) if x.label != "form" else ()))), j.weight, j.at)
              for j in journeys]
    credits = shapley(paired)
    assert credits.get("email", 0) == pytest.approx(credits.get("form", 0))


@given(JOURNEYS)
def test_shapley_by_coalitions_equals_the_equal_split_among_each_journeys_labels(journeys: list[Journey]) -> None:
    def split(touches: object, one: Journey) -> list[float]:
        distinct = {t.label for t in one.touches}
        seen: set[str] = set()
        shares = []
        for t in one.touches:
            shares.append(0.0 if t.label in seen else 1 / len(distinct))
            seen.add(t.label)
        return shares

    assert shapley(journeys) == pytest.approx(per_touch(journeys, split))


def test_shapley_with_many_labels_takes_the_closed_form() -> None:
    many = [journey(*(f"variant {i}" for i in range(n)), weight=n) for n in range(1, 14)]
    credits = shapley(many)
    assert sum(credits.values()) == pytest.approx(sum(range(1, 14)))
    assert credits["variant 12"] == pytest.approx(13 / 13)


@given(JOURNEYS)
def test_markov_with_the_idle_journeys_counted_beforehand_gives_the_same_credits(journeys: list[Journey]) -> None:
    converting = [one for one in journeys if one.weight]
    assert markov(converting, idle_transitions(journeys)) == pytest.approx(markov(journeys))
