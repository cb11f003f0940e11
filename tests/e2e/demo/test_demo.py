"""The README's main job on part of the example file: every channel used, and every kind of fallback seen."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.analytics.mailbox_status import mailbox_status
from aicmo.cam.attribution.rules import Model
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.db.base import utcnow
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.demo.run import DemoRun, run_demo
from aicmo.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "leads.csv"


def test_demo_reaches_leads_on_all_three_channels_with_fallback(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    sample = tmp_path / "leads.csv"
    sample.write_text("".join(lines[:121]), encoding="utf-8")  # header + 120 rows
    run = run_demo(tmp_path / "demo.db", sample)

    assert run.imported.inserted > 100
    with make_session_factory(make_engine(f"sqlite:///{run.database}"))() as db:
        reached = dict(db.execute(select(OutreachMessageDB.channel, func.count()).where(
            OutreachMessageDB.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED)))
            .group_by(OutreachMessageDB.channel)).all())
        assert {Channel.EMAIL, Channel.LINKEDIN, Channel.CONTACT_FORM} <= set(reached)
        bounced = set(db.scalars(select(OutreachAttemptDB.message_id).where(OutreachAttemptDB.response_code == 550)))
        assert bounced and len(run.sink.rejected) == len(bounced)
        after_bounce = set(db.scalars(select(OutreachAttemptDB.message_id).where(
            OutreachAttemptDB.message_id.in_(bounced), OutreachAttemptDB.channel != Channel.EMAIL,
            OutreachAttemptDB.status.in_((SendStatus.SENT, SendStatus.PENDING)))))
        assert after_bounce, "a hard-bounced email should have gone on to LinkedIn or the contact form"
        pending = db.scalar(select(func.count()).select_from(OutreachMessageDB).where(
            OutreachMessageDB.status.in_((MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING))))
        assert pending == 0
    assert len(run.sink.received) == reached[Channel.EMAIL]
    assert len(run.sites.submissions) == reached[Channel.CONTACT_FORM]
    assert run.tasks_failed > 0 and run.tasks_done > 0
    with make_session_factory(make_engine(f"sqlite:///{run.database}"))() as db:
        assert_the_figures_agree_everywhere(db, run)
        assert_outcomes_and_attribution(db, run)
        assert_roi(db, run)


def assert_the_figures_agree_everywhere(db: Session, run: DemoRun) -> None:
    """`aicmo metrics`, the campaign report and `aicmo mailboxes status` give the same bounces and sends."""
    report = ops.get_campaign_report(db, run.campaign_id)
    email = next(row for row in report.by_channel if row.key == "email")
    later = utcnow() + timedelta(days=365)  # the demo's clock ran ahead of the wall clock
    metrics = {row.channel: row for row in ops.get_channel_metrics(db, window=timedelta(days=730), until=later)}
    assert email.hard_bounced == email.refused == len(run.sink.rejected) > 0  # refused at RCPT, on email
    assert email.sent == len(run.sink.received)
    assert (metrics[Channel.EMAIL].hard_bounced, metrics[Channel.EMAIL].sent) == (email.hard_bounced, email.sent)
    assert metrics[Channel.EMAIL].bounce_rate == email.bounce_rate > 0
    assert metrics[Channel.LINKEDIN].hard_bounced == metrics[Channel.CONTACT_FORM].hard_bounced == 0
    # `mailboxes status` over a window holding the whole run: the same sends, bounces and rate.
    whole_run = Settings(guard_window_hours=24 * 730, guard_window_sends=1_000_000)
    [demo] = mailbox_status(db, settings=whole_run, now=later)
    [window] = demo.windows
    assert (window.sends, window.bounces) == (email.sent + email.refused, email.hard_bounced)
    assert window.bounce_rate == pytest.approx(email.bounce_rate)
    # The thresholds shown are those the demo's worker applied (stored in its database), so a rate marked as past
    # one is a paused mailbox, and an active one shows no rate past them.
    assert demo.thresholds is not None and (demo.thresholds.bounce_rate, demo.thresholds.min_sends) == (0.25, 100)
    shown = mailbox_status(db, settings=Settings(), now=later)[0]
    assert shown.state == "paused" or not any(w.bounce_rate_over or w.complaint_rate_over or w.policy_rate_over
                                              for w in shown.windows)


def assert_outcomes_and_attribution(db: Session, run: DemoRun) -> None:
    replies = ops.list_inbound(db, limit=10_000)
    assert run.answered == len(replies) > 0
    positive = [reply for reply in replies if reply.intent is ReplyIntent.POSITIVE]
    assert run.meetings == len(positive) > 0
    outcomes = ops.list_outcomes(db, limit=10_000)
    kinds = {kind: sum(1 for o in outcomes if o.kind is kind) for kind in OutcomeKind}
    assert kinds[OutcomeKind.POSITIVE_REPLY] == kinds[OutcomeKind.MEETING] == len(positive)
    assert run.deals.added == len(positive) and run.deals.rejected == []
    assert run.deals_file.parent == run.database.parent and run.deals_file.is_file()
    won = sum(o.value_cents or 0 for o in outcomes if o.kind is OutcomeKind.WON) / 100
    for model in Model:
        report = ops.get_attribution(db, campaign=run.campaign_id, model=model, kinds=[OutcomeKind.WON])
        assert sum(row.outcomes for row in report.rows) == pytest.approx(kinds[OutcomeKind.WON])
        assert sum(row.value.get("EUR", 0) for row in report.rows) == pytest.approx(won)


def assert_roi(db: Session, run: DemoRun) -> None:
    """The demo's example costs are charged, and the ROI report's parts add up to its totals."""
    report = ops.get_roi(db, campaign=run.campaign_id, model=Model.LINEAR)
    outcomes = ops.list_outcomes(db, campaign_id=run.campaign_id, limit=10_000)
    won = sum(o.value_cents or 0 for o in outcomes if o.kind is OutcomeKind.WON) / 100
    assert (report.currency, report.total.revenue) == ("EUR", won)
    assert report.total.cost > 0
    assert report.total.cost == pytest.approx(sum(row.cost for row in report.channels))
    assert sum(row.revenue for row in report.channels) == pytest.approx(won)
    linkedin = next(row for row in report.channels if row.channel == "linkedin")
    assert linkedin.tasks == run.tasks_done + run.tasks_failed and linkedin.units == 1
    assert sum(grade.leads for grade in report.grades) == report.leads > 0
    assert report.score_auc is not None and 0 <= report.score_auc <= 1
