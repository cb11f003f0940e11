"""The line chart's geometry: round axis ticks, points placed on the plot box, thresholds and a legend."""

import pytest

from aicmo.web.dashboard.plots import BOTTOM, LEFT, RIGHT, TOP, LegendItem, Threshold, Tick, line_chart, nice_scale


@pytest.mark.parametrize(("largest", "whole", "expected"), [
    (0, True, (1.0, 1.0)), (1, True, (1.0, 1.0)), (3, True, (3.0, 1.0)), (5, True, (6.0, 2.0)),
    (7, True, (8.0, 2.0)), (10, True, (10.0, 5.0)), (23, True, (30.0, 10.0)), (100, True, (100.0, 50.0)),
    (0, False, (0.01, 0.0025)), (0.05, False, (0.06, 0.02)), (0.003, False, (0.003, 0.001)),
    (0.0625, False, (0.08, 0.02)), (0.12, False, (0.15, 0.05)), (0.4, False, (0.4, 0.1))])
def test_the_y_axis_ends_on_a_round_number_in_one_two_or_five_steps(largest: float, whole: bool,
                                                                     expected: tuple[float, float]) -> None:
    assert nice_scale(largest, whole=whole) == expected


def test_counts_never_step_by_less_than_one() -> None:
    assert nice_scale(2, whole=True) == (2.0, 1.0)
    assert nice_scale(2, whole=False) == (2.0, 0.5)


def test_places_each_series_on_the_plot_box_from_zero_to_the_axis_top() -> None:
    chart = line_chart(["Nov 1", "Nov 2", "Nov 3"], [("sent", "sent", [0, 2, 4]), ("replied", "replies", [1, 0, 3])])

    assert (chart.width, chart.height, chart.left, chart.right, chart.top, chart.bottom) == (640, 224, 48, 624, 12, 180)
    assert chart.y_ticks == [Tick("0", 180.0), Tick("1", 138.0), Tick("2", 96.0), Tick("3", 54.0), Tick("4", 12.0)]
    assert chart.x_ticks == [Tick("Nov 1", 48.0), Tick("Nov 2", 336.0), Tick("Nov 3", 624.0)]
    sent, replied = chart.lines
    assert [(p.x, p.y) for p in sent.points] == [(48.0, 180.0), (336.0, 96.0), (624.0, 12.0)]
    assert sent.path == "M 48,180 L 336,96 L 624,12"
    assert sent.area == "M 48,180 L 336,96 L 624,12 L 624,180 L 48,180 Z"
    assert replied.path == "M 48,138 L 336,180 L 624,54"
    assert [p.title for p in replied.points] == ["Nov 1: 1 replies", "Nov 2: 0 replies", "Nov 3: 3 replies"]
    assert chart.legend == [LegendItem("sent", "sent", 48, 216), LegendItem("replied", "replies", 198, 216)]
    assert chart.thresholds == []


def test_labels_at_most_eight_days_under_the_axis() -> None:
    labels = [f"d{n}" for n in range(30)]
    chart = line_chart(labels, [("sent", "sent", [1] * 30)])

    assert [tick.label for tick in chart.x_ticks] == ["d0", "d4", "d8", "d12", "d16", "d20", "d24", "d28"]
    assert chart.x_ticks[1].at == round(LEFT + 4 * (RIGHT - LEFT) / 29, 2) == 127.45
    assert len(chart.lines[0].points) == 30 and chart.lines[0].points[-1].x == RIGHT


def test_a_rate_chart_shows_percentages_and_the_threshold_line_within_the_axis() -> None:
    chart = line_chart(["a", "b"], [("bounce_rate", "bounce rate", [0.0, 0.025])], percent=True,
                       thresholds=[("guard pauses above", 0.05)])

    assert [tick.label for tick in chart.y_ticks] == ["0%", "2%", "4%", "6%"]
    assert chart.thresholds == [Threshold("guard pauses above 5%", 40.0)]  # 180 - 0.05 / 0.06 * 168
    assert [(p.x, p.y) for p in chart.lines[0].points] == [(48.0, 180.0), (624.0, 110.0)]
    assert chart.lines[0].points[1].title == "b: 2.5% bounce rate"
    assert chart.legend[-1] == LegendItem("guard pauses above 5%", "guard pauses above 5%", 198, 216, threshold=True)


def test_six_series_wrap_the_legend_onto_two_rows() -> None:
    chart = line_chart(["a"], [(f"s{n}", f"series {n}", [n]) for n in range(6)])

    assert [(item.x, item.y) for item in chart.legend] == [(48, 216), (198, 216), (348, 216),
                                                           (48, 232), (198, 232), (348, 232)]
    assert chart.height == BOTTOM + 24 + 2 * 16 + 4
    assert chart.lines[0].points[0].x == (LEFT + RIGHT) / 2  # one day: in the middle
    assert chart.y_ticks[-1] == Tick("6", TOP)  # 5 on a scale stepping by 2


def test_a_window_with_nothing_in_it_still_has_an_axis() -> None:
    chart = line_chart(["a", "b"], [("sent", "sent", [0, 0])])
    assert chart.y_ticks == [Tick("0", 180.0), Tick("1", 12.0)]
    assert chart.lines[0].path == "M 48,180 L 624,180"
