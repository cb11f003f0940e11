"""The dashboard's charts and the CSV beside each, on SQLite and PostgreSQL, over the seeded campaign: one email
sent today and answered today, a LinkedIn step with the operator, three leads (two graded A)."""

import re
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.db.base import utcnow
from tests.integration.web.dashboard.seed import Seeded

DAILY_HEADER = "day,sent,delivered,replied,positive_replies,meetings,bounced"


def series(page: httpx.Response, chart_id: str) -> list[tuple[str, int]]:
    """(series, points) of each line of the chart with this id."""
    svg = re.search(rf'<svg class="line-chart" id="{chart_id}".*?</svg>', page.text, re.S)
    assert svg, f"no chart {chart_id}"
    return [(key, int(points)) for key, points in
            re.findall(r'<g class="series c\d" data-series="(\w+)" data-points="(\d+)">', svg.group(0))]


def test_the_campaign_page_draws_each_day_and_the_funnel_per_step_channel_grade_and_variant(
        operator: httpx.Client, seeded: Seeded) -> None:
    page = operator.get(f"/campaigns/{seeded.campaign}")

    assert series(page, "daily-chart") == [(name, 30) for name in (
        "sent", "delivered", "replied", "positive_replies", "meetings", "bounced")]
    assert re.findall(r'data-breakdown="(\w+)"', page.text) == ["step", "channel", "grade", "variant"]
    assert f'href="/app/campaigns/{seeded.campaign}/daily.csv?days=30"' in page.text
    assert f'href="/app/campaigns/{seeded.campaign}/funnel.csv?by=variant"' in page.text
    assert series(operator.get(f"/campaigns/{seeded.campaign}?days=7"), "daily-chart")[0] == ("sent", 7)


def test_the_daily_csv_has_a_row_a_day_with_todays_send_and_reply(operator: httpx.Client, seeded: Seeded) -> None:
    response = operator.get(f"/campaigns/{seeded.campaign}/daily.csv", params={"days": 2})

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    today = utcnow().date()
    assert response.text.splitlines() == [DAILY_HEADER, f"{today - timedelta(days=1)},0,0,0,0,0,0",
                                          f"{today},1,0,1,1,0,0"]


def test_the_funnel_csv_gives_one_row_per_group(operator: httpx.Client, seeded: Seeded) -> None:
    by_step = operator.get(f"/campaigns/{seeded.campaign}/funnel.csv", params={"by": "step"}).text.splitlines()
    assert by_step[0].startswith("step,messages,queued,stopped,sent,handed_over,")
    assert [line.split(",")[0] for line in by_step[1:]] == ["step 1", "step 2"]
    by_channel = operator.get(f"/campaigns/{seeded.campaign}/funnel.csv", params={"by": "channel"}).text
    assert [line.split(",")[0] for line in by_channel.splitlines()[1:]] == ["email", "linkedin"]
    assert operator.get(f"/campaigns/{seeded.campaign}/funnel.csv", params={"by": "mood"}).status_code == 422


def test_the_overview_draws_every_campaign_per_week(operator: httpx.Client, seeded: Seeded) -> None:
    page = operator.get("/")
    assert series(page, "trends-chart") == [("sent", 12), ("replied", 12), ("positive_replies", 12), ("meetings", 12)]
    rows = operator.get("/trends.csv").text.splitlines()
    assert rows[0] == DAILY_HEADER.replace("day", "week") and len(rows) == 13
    assert rows[-1].split(",")[1:] == ["1", "0", "1", "1", "0", "0"]


def test_the_leads_page_draws_the_grade_distribution(operator: httpx.Client, seeded: Seeded, db: Session) -> None:
    distribution = {row.grade: row.leads for row in ops.get_grade_distribution(db)}
    assert distribution["A"] == 2 and sum(distribution.values()) == 3

    page = operator.get("/leads")
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', page.text) == [
        (grade, str(count)) for grade, count in distribution.items()]
    assert operator.get("/leads/grades.csv").text.splitlines() == ["grade,leads"] + [
        f"{grade},{count}" for grade, count in distribution.items()]


def test_the_mailboxes_page_draws_each_rate_against_the_guards_threshold(operator: httpx.Client,
                                                                          seeded: Seeded) -> None:
    page = operator.get("/mailboxes")
    assert series(page, "bounces-1") == [("bounce_rate", 30)] and series(page, "complaints-1") == [
        ("complaint_rate", 30)]
    assert 'data-threshold="guard pauses above 5%"' in page.text
    assert 'data-threshold="guard pauses above 0.3%"' in page.text

    rows = operator.get("/mailboxes/sales/daily.csv", params={"days": 1}).text.splitlines()
    assert rows == ["day,sends,bounces,complaints,bounce_rate,complaint_rate,bounce_threshold,complaint_threshold",
                    f"{utcnow().date()},1,0,0,0.0,0.0,0.05,0.003"]
    assert operator.get("/mailboxes/nobody/daily.csv").status_code == 404


def test_the_csv_downloads_need_a_login(visitor: httpx.Client, seeded: Seeded) -> None:
    for path in (f"/campaigns/{seeded.campaign}/daily.csv", "/trends.csv", "/leads/grades.csv",
                 "/mailboxes/sales/daily.csv"):
        assert visitor.get(path).status_code == 303
