"""The campaign page's experiments: per variant its figures and decision, the posterior drawn server-side, and
the campaign's history of decisions; on SQLite and PostgreSQL."""

import re

import httpx
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from tests.integration.cam.experiments.seed import seed_experiment
from tests.integration.web.dashboard.test_charts import series


def test_the_campaign_page_shows_each_variants_statistics_the_posterior_and_the_decision(
        operator: httpx.Client, db: Session) -> None:
    campaign = seed_experiment(db)
    ops.review_experiments(db, campaign.id)
    page = operator.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 200
    section = re.search(r'<section id="experiments">.*?</section>', page.text, re.S)
    assert section is not None
    rows = dict(re.findall(r'<tr data-variant="(\w+)">(.*?)</tr>', section.group(0), re.S))
    cells = {name: [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for name, row in rows.items()}
    assert cells["plain"][:4] == ["plain (control)", "40", "2", "5.0% (1.5%–16.5%)"]
    assert cells["plain"][-1] == "lost" and cells["specific"][-1] == "winner"
    assert float(cells["specific"][4]) > 0.99
    assert series(page, "posterior-1") == [("plain", 61), ("specific", 61)]
    assert "experiment.winner_found" in section.group(0) and "&#39;specific&#39; won" in section.group(0)
    assert "<script" not in section.group(0)
