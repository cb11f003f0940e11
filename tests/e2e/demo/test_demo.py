"""The README's main job on part of the example file: every channel used, and every kind of fallback seen."""

from pathlib import Path

from sqlalchemy import func, select

from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.demo.run import run_demo

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "leads.csv"


def test_demo_reaches_leads_on_all_three_channels_with_fallback(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    sample = tmp_path / "leads.csv"
    sample.write_text("".join(lines[:121]), encoding="utf-8")  # header + 120 rows
    run = run_demo(tmp_path / "demo.db", sample)

    assert run.imported.inserted > 100
    with make_session_factory(make_engine(f"sqlite:///{run.database}"))() as db:
        reached = dict(db.execute(select(OutreachMessageDB.channel, func.count()).where(
            OutreachMessageDB.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED)))
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
