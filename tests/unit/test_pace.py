"""A send counts as slow at a few times the usual send time, never later than the cap, and one outlier moves nothing."""

from aicmo.pace import SlowAfter


def test_before_any_send_only_the_cap_applies() -> None:
    assert SlowAfter(5.0).seconds == 5.0


def test_follows_the_usual_send_time_and_ignores_one_slow_recipient() -> None:
    slow_after = SlowAfter(5.0, factor=4.0)
    for _ in range(20):
        slow_after.observe(0.02)
    slow_after.observe(600.0)
    assert slow_after.seconds == 0.08


def test_a_server_that_always_takes_long_is_capped() -> None:
    slow_after = SlowAfter(5.0)
    for _ in range(10):
        slow_after.observe(3.0)
    assert slow_after.seconds == 5.0


def test_never_below_the_floor() -> None:
    slow_after = SlowAfter(5.0, least=0.05)
    slow_after.observe(0.0001)
    assert slow_after.seconds == 0.05
