"""Run the demo: import and grade examples/leads.csv, then a three-step campaign to completion in accelerated time.

Every lead's company website is stood in for by a local site with a contact form, its mail server by a local
SMTP server that rejects one address in eight as unknown, and the LinkedIn operator by a loop that does each
task (one in four fails: "profile not found") and records accepted connections.
"""

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.engine.claim import next_due
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.importer import ImportOptions, ImportReport
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadUpdate
from aicmo.cam.outcomes.schemas import OutcomeImportResult
from aicmo.cam.outreach.channels import build_registry
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.mailbox_schemas import MailboxCreate
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskStatus
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.db.base import utcnow
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from aicmo.demo.campaign import DEMO_CAMPAIGN, DEMO_COSTS
from aicmo.demo.outcomes import answer_the_days_email, log_meetings_and_export_deals
from aicmo.demo.sink import MailSink
from aicmo.demo.site import DemoSites
from aicmo.settings import Settings

SENDER = "alex@aicmo-demo.example"


def _one_in(value: str, n: int) -> bool:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=4).digest(), "big") % n == 0


@dataclass
class DemoRun:
    database: Path
    campaign_id: int
    imported: ImportReport
    sink: MailSink
    sites: DemoSites
    days: int
    tasks_done: int
    tasks_failed: int
    answered: int  # leads that replied by email
    meetings: int
    deals_file: Path  # the CRM's deals export the demo imported, beside its database
    deals: OutcomeImportResult


def rejects_file(database: Path) -> Path:
    """Where the demo writes the rows its import rejected: beside its database, not beside the example file."""
    return database.with_name(f"{database.stem}.rejects.csv")


def fresh_database(path: Path) -> sessionmaker[Session]:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return make_session_factory(engine)


def prepare(db: Session, database: Path, leads_file: Path, site_base: str,
            smtp: tuple[str, int]) -> tuple[ImportReport, int]:
    rejects_file(database).unlink(missing_ok=True)
    imported = ops.import_leads(db, leads_file, ImportOptions(rejects_file=rejects_file(database)))
    with_sites = db.execute(select(LeadDB.id, LeadDB.company_domain).where(LeadDB.company_domain.is_not(None))).all()
    for lead_id, domain in with_sites:
        ops.update_lead(db, lead_id, LeadUpdate(contact_form_url=f"{site_base}/{domain}/contact"))
    ops.add_mailbox(db, MailboxCreate(name="demo", from_address=SENDER, from_name="Alex Rivera", smtp_host=smtp[0],
                                      smtp_port=smtp[1], smtp_security=SmtpSecurity.NONE, daily_cap=500))
    campaign = ops.create_campaign(db, DEMO_CAMPAIGN)
    ops.update_costs(db, DEMO_COSTS)
    return imported, campaign.id


def play_linkedin_operator(db: Session) -> tuple[int, int]:
    """Do every open LinkedIn task as an operator would; return (done, failed)."""
    done = failed = 0
    for task in ops.list_linkedin_tasks(db, status=TaskStatus.OPEN, limit=10_000):
        if _one_in(f"linkedin:{task.lead_id}", 4):
            ops.fail_linkedin_task(db, task.id, "profile not found")
            failed += 1
            continue
        ops.complete_linkedin_task(db, task.id, True)
        if task.kind is LinkedInTaskKind.CONNECTION_REQUEST:
            ops.set_linkedin_status(db, task.lead_id, LinkedInStatus.CONNECTED)  # accepted a day later
        done += 1
    return done, failed


async def run(database: Path, leads_file: Path, *, on_day: object = None) -> DemoRun:
    sink = MailSink(unknown=lambda address: _one_in(address.lower(), 8))
    sites = DemoSites()
    smtp = sink.start()
    base = sites.start()
    try:
        sessions = fresh_database(database)
        with sessions() as db:
            imported, campaign_id = prepare(db, database, leads_file, base, smtp)
            start = utcnow()
            ops.start_campaign(db, campaign_id, now=start)
            # The demo's mail server refuses one address in eight on purpose, to show fallback; a real list that
            # bounced so much would rightly pause the mailbox. Judged over 100 sends at least, so the first
            # morning's few sends (which leads' windows open first depends on the hour the demo starts) cannot
            # cross it by chance. Stored in the demo's database, so `aicmo mailboxes status` on it shows and judges
            # by the same thresholds the demo's worker applied.
            ops.set_guard_thresholds(db, {"bounce_rate": 0.25, "min_sends": 100})
        settings = Settings(database_url=f"sqlite:///{database}", sender_name="Alex Rivera", sender_email=SENDER,
                            sender_company="aicmo", form_trusted_networks="127.0.0.1/32",
                            secret_key=secrets.token_hex(16), smtp_timeout=10.0, http_timeout=5.0,
                            # Every stand-in site lives on 127.0.0.1: the one-form-per-domain cap would see one.
                            form_submissions_per_domain=100_000)
        registry = build_registry(sessions, settings)
        clock = ManualClock(start)
        worker = Worker(sessions, registry, clock=clock, concurrency=4, settings=settings)
        done = failed = days = answered = 0
        try:
            for days in range(1, 60):
                day_start, day_end = clock.now(), clock.now() + timedelta(days=1)
                await run_accelerated(worker, clock, until=day_end)
                with sessions() as db:
                    more_done, more_failed = play_linkedin_operator(db)
                    done, failed = done + more_done, failed + more_failed
                    answered += answer_the_days_email(db, campaign_id, SENDER, day_start, day_end, settings)
                    waiting = next_due(db)
                if callable(on_day):
                    on_day(days, clock.now())
                if waiting is None and not more_done and not more_failed:
                    break
                clock.move_to(day_end)
        finally:
            await registry.aclose()
        deals_file = database.with_name(f"{database.stem}-deals.csv")
        with sessions() as db:
            meetings, deals = log_meetings_and_export_deals(db, deals_file)
        return DemoRun(database, campaign_id, imported, sink, sites, days, done, failed, answered, meetings,
                       deals_file, deals)
    finally:
        sink.stop()
        sites.stop()


def run_demo(database: Path, leads_file: Path, on_day: object = None) -> DemoRun:
    return asyncio.run(run(database, leads_file, on_day=on_day))
