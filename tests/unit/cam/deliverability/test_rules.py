import pytest

from aicmo.cam.deliverability.rules import Thresholds, Verdicts, Window, judged, pause_reason

LIMITS = Thresholds(bounce_rate=0.05, complaint_rate=0.003, min_sends=20)


@pytest.mark.parametrize(("sends", "bounces", "complaints", "pauses"), [
    (100, 5, 0, False),  # exactly at 5%: not above
    (100, 6, 0, True),
    (19, 19, 0, False),  # too few sends to judge
    (20, 2, 0, True),
    (1000, 0, 3, False),  # 0.3% exactly
    (1000, 0, 4, True),
    (0, 0, 0, False),
])
def test_a_mailbox_pauses_only_above_a_threshold_with_enough_sends(sends: int, bounces: int, complaints: int,
                                                                     pauses: bool) -> None:
    reason = pause_reason([Window("last 24 h", sends, bounces, complaints)], LIMITS)
    assert (reason is not None) is pauses


def test_the_reason_names_the_window_and_the_figures() -> None:
    reason = pause_reason([Window("last 200 sends", 200, 1, 0), Window("last 24 h", 40, 3, 0)], LIMITS)
    assert reason == "bounce rate 7.5% (3 of 40) over the last 24 h, above 5.0%"


def test_rates_of_an_empty_window_are_zero() -> None:
    window = Window("last 24 h", 0, 0, 0)
    assert window.bounce_rate == 0.0 and window.complaint_rate == 0.0


@pytest.mark.parametrize(("sends", "refusals", "pauses"), [(100, 2, False), (100, 3, True), (19, 19, False)])
def test_policy_refusals_above_their_rate_pause_once_the_sample_is_reached(sends: int, refusals: int,
                                                                          pauses: bool) -> None:
    reason = pause_reason([Window("last 24 h", sends, 0, 0, refusals)], LIMITS)
    assert (reason is not None) is pauses
    if pauses:
        assert reason == "policy-refusal rate 3.0% (3 of 100) over the last 24 h, above 2.0%"


def test_a_window_under_the_minimum_sample_is_not_held_against_the_mailbox_whatever_its_rates() -> None:
    assert judged(Window("last 24 h", 19, 19, 19, 19), LIMITS) == Verdicts(False, False, False)
    assert judged(Window("last 24 h", 20, 2, 0, 1), LIMITS) == Verdicts(True, False, True)
