"""The demo's closing report: what went out on which channel, per grade and per status, and where it all is."""

from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outreach.domain import MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.demo.run import DemoRun

REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    return table


def print_activity(console: Console, db: Session, run: DemoRun) -> None:
    """Per channel, what happened to the campaign's attempts: the figures `aicmo metrics` and the dashboard show."""
    report = ops.get_campaign_report(db, run.campaign_id)
    table = _table("What happened, per channel (a bounce counts on the channel it happened on)", "channel", "sent",
                   "handed over", "hard bounced", "replied", "positive", "reply rate")
    for row in [*report.by_channel, report.total]:
        table.add_row(row.key or "total", str(row.sent), str(row.handed_over), str(row.hard_bounced), str(row.replied),
                      str(row.positive_replies), f"{row.reply_rate:.1%}")
    console.print(table)


def print_outcomes(console: Console, db: Session, run: DemoRun) -> None:
    """Replies by what they meant, what the team made of them, and which channels earned it."""
    intents = Counter(r.intent.value for r in ops.list_inbound(db, limit=100_000) if r.intent is not None)
    outcomes = _table("Outcomes", "what", "how many", "value (EUR)")
    for intent, count in sorted(intents.items()):
        outcomes.add_row(f"reply: {intent.replace('_', ' ')}", str(count), "")
    kinds: Counter[str] = Counter()
    values: Counter[str] = Counter()
    for outcome in ops.list_outcomes(db, campaign_id=run.campaign_id, limit=100_000):
        kinds[outcome.kind.value] += 1
        values[outcome.kind.value] += (outcome.value_cents or 0) // 100
    for kind in ("meeting", "opportunity", "won", "lost"):
        outcomes.add_row(kind, str(kinds[kind]), f"{values[kind]:,}" if kind != "meeting" else "")
    console.print(outcomes)
    for model in (Model.LINEAR, Model.MARKOV):
        report = ops.get_attribution(db, campaign=run.campaign_id, model=model, kinds=[OutcomeKind.WON])
        table = _table(f"Won deals, {model.value} model", "channel", "deals", "revenue (EUR)")
        for row in report.rows:
            table.add_row(row.key, f"{row.outcomes:.2f}", f"{row.value.get('EUR', 0.0):,.0f}")
        console.print(table)
    console.print(f"{run.answered} leads replied by email, read by the inbox like any mail; the team logged "
                  f"{run.meetings} meetings and their CRM's deals export was imported from [bold]{run.deals_file}[/] "
                  f"({run.deals.added} deals, {len(run.deals.rejected)} rejected).")


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def print_roi(console: Console, db: Session, run: DemoRun) -> None:
    """What the campaign cost against what it brought, overall and per grade, and whether the score predicted it."""
    report = ops.get_roi(db, campaign=run.campaign_id, model=Model.LINEAR)
    total = report.total
    table = _table(f"Cost and return ({report.currency}, {report.active_days} active days, revenue per channel by the "
                   f"linear model)", "channel", "cost", "pipeline", "revenue", "ROI", "cost per meeting")
    for row in [*report.channels, total]:
        table.add_row(getattr(row, "channel", "total"), _money(row.cost), _money(row.pipeline), _money(row.revenue),
                      "-" if row.roi is None else f"{row.roi:.0%}", _money(row.cost_per_meeting))
    console.print(table)
    grades = _table("Per grade: does grading predict meetings?", "grade", "leads", "meeting or better", "conversion",
                    "revenue", "revenue per 1,000 leads")
    for grade in report.grades:
        grades.add_row(grade.grade, str(grade.leads), str(grade.meetings_or_better),
                       "-" if grade.conversion is None else f"{grade.conversion:.1%}", _money(grade.revenue),
                       _money(grade.revenue_per_1000_leads))
    console.print(grades)
    auc = "-" if report.score_auc is None else f"{report.score_auc:.2f}"
    console.print(f"Lead score AUC against a meeting or better: {auc} over {report.scored_leads} leads (0.5 is a "
                  f"coin toss, 1.0 a perfect ranking). Cost per won deal: {_money(total.cost_per_won)} "
                  f"{report.currency}.")


MEANING = {MessageStatus.SENT: "a channel accepted it", MessageStatus.DELIVERED: "the provider confirmed delivery",
           MessageStatus.REPLIED: "the lead answered"}


def _why(db: Session, where: Any, status: str) -> str:
    """What a status means, or the reasons its messages give, most common first."""
    if status in MEANING:
        return MEANING[MessageStatus(status)]
    reasons = db.execute(select(OutreachMessageDB.last_error, func.count()).where(
        where, OutreachMessageDB.status == status).group_by(OutreachMessageDB.last_error)
        .order_by(func.count().desc())).all()
    return "; ".join(f"{reason or 'no reason given'} ({count})" for reason, count in reasons)


def print_summary(console: Console, db: Session, run: DemoRun, command: str = "aicmo") -> None:
    where = OutreachMessageDB.campaign_id == run.campaign_id
    by_channel = _table("Messages that went out, per channel", "channel", "step 1", "step 2", "step 3", "total")
    rows = db.execute(select(OutreachMessageDB.channel, OutreachMessageDB.sequence_step, func.count()).where(
        where, OutreachMessageDB.status.in_(REACHED)).group_by(OutreachMessageDB.channel,
                                                               OutreachMessageDB.sequence_step)).all()
    for channel in sorted({str(r[0]) for r in rows}):
        steps = [sum(r[2] for r in rows if str(r[0]) == channel and r[1] == i) for i in range(3)]
        by_channel.add_row(channel, *map(str, steps), str(sum(steps)))
    console.print(by_channel)

    fallbacks = _table("Fallbacks", "what happened", "messages")
    bounced_then = db.scalar(select(func.count(func.distinct(OutreachAttemptDB.message_id))).where(
        OutreachAttemptDB.campaign_id == run.campaign_id, OutreachAttemptDB.response_code == 550))
    fallbacks.add_row("email hard-bounced (550 5.1.1), next channel tried", str(bounced_then or 0))
    fallbacks.add_row("no email address, went to LinkedIn or the contact form", str(db.scalar(
        select(func.count()).select_from(OutreachAttemptDB).where(
            OutreachAttemptDB.campaign_id == run.campaign_id, OutreachAttemptDB.status == SendStatus.SKIPPED,
            OutreachAttemptDB.detail == "the lead has no email address")) or 0))
    fallbacks.add_row("LinkedIn task failed (\"profile not found\")", str(run.tasks_failed))
    fallbacks.add_row("first step reached through the contact form, after email and LinkedIn", str(db.scalar(
        select(func.count()).select_from(OutreachMessageDB).where(
            where, OutreachMessageDB.sequence_step == 0, OutreachMessageDB.channel == "contact_form",
            OutreachMessageDB.status.in_(REACHED))) or 0))
    console.print(fallbacks)

    grades = _table("Leads per grade", "grade", "leads", "in campaign", "reached", "email invalid")
    for grade, total, enrolled, reached, invalid in db.execute(select(
            LeadDB.grade, func.count(func.distinct(LeadDB.id)),
            func.count(func.distinct(OutreachMessageDB.lead_id)),
            func.count(func.distinct(case((OutreachMessageDB.status.in_(REACHED), OutreachMessageDB.lead_id)))),
            func.count(func.distinct(case((LeadDB.email_status == "invalid", LeadDB.id)))))
            .outerjoin(OutreachMessageDB, (OutreachMessageDB.lead_id == LeadDB.id) & where)
            .group_by(LeadDB.grade).order_by(LeadDB.grade)):
        grades.add_row(str(grade), str(total), str(enrolled), str(reached), str(invalid))
    console.print(grades)

    statuses = _table("Messages per status", "status", "messages", "why (the reasons stored with them)")
    for status, count in db.execute(select(OutreachMessageDB.status, func.count()).where(where).group_by(
            OutreachMessageDB.status).order_by(func.count().desc())):
        statuses.add_row(str(status), str(count), _why(db, where, status))
    console.print(statuses)

    console.print(f"Local mail server: {len(run.sink.received)} accepted, {len(run.sink.rejected)} rejected as "
                  f"unknown. Local sites: {len(run.sites.submissions)} contact forms received. LinkedIn operator: "
                  f"{run.tasks_done} tasks done, {run.tasks_failed} failed.")
    print_activity(console, db, run)
    print_outcomes(console, db, run)
    print_roi(console, db, run)
    url = f"AICMO_DATABASE_URL=sqlite:///{run.database}"
    console.print(f"Simulated {run.days} days. Look around the demo's database with:\n"
                  f"  {url} {command} campaign status {run.campaign_id}\n"
                  f"  {url} {command} history --lead 1\n"
                  f"  {url} {command} report attribution --campaign {run.campaign_id} --model shapley --by variant\n"
                  f"  {url} {command} report roi --campaign {run.campaign_id}", highlight=False, soft_wrap=True)
