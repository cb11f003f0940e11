"""A row showing that two stored leads are one person merges them into the oldest, with everything pointing at them."""

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.leads.enums import KeyKind, LeadStatus
from aicmo.cam.leads.importer import ImportOptions, ImportReport, import_leads, summary_line
from aicmo.cam.leads.joins import lead_references
from aicmo.cam.leads.models import LeadAliasDB, LeadDB
from aicmo.cam.leads.service import find_current
from aicmo.cam.limits.models import RateGateDB
from aicmo.cam.outreach.domain import Channel, EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, OperatorTaskDB, TaskKind
from aicmo.cam.suppression.models import SuppressionDB, SuppressionKind
from aicmo.cam.timeline import lead_timeline
from aicmo.db.engine import make_session_factory
from tests.conftest import empty_tables
from tests.factories import csv_text, snapshot

HEADERS = ["First Name", "Last Name", "Email", "Person Linkedin Url", "Website", "Title", "Phone", "Country", "Tags"]
OPTIONS = ImportOptions(write_rejects=False)
JANE = ["Jane", "Doe", "jane@acme.io", "", "", "CTO", "", "", "conference"]
JANE_ON_LINKEDIN = ["", "", "j.doe@acme.io", "https://www.linkedin.com/in/janedoe/", "", "Intern", "+1 415 555 0100",
                    "US", "webinar"]
BRIDGE = ["", "", "jane@acme.io", "https://linkedin.com/in/JaneDoe", "", "", "", "", ""]
LAST_OUTREACH = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def import_rows(db: Session, path: Path, rows: list[list[str]], options: ImportOptions = OPTIONS) -> ImportReport:
    path.write_text(csv_text(HEADERS, rows), encoding="utf-8")
    return import_leads(db, path, options)


def lead_id(db: Session, **where: str) -> int:
    return db.scalars(select(LeadDB.id).filter_by(**where)).one()


def leads(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(LeadDB)) or 0


def references(db: Session) -> dict[str, list[int | None]]:
    """Every row pointing at a lead, by table: the lead it points at, in row order."""
    return {f"{column.table.name}.{column.name}": list(db.scalars(
        select(column).order_by(*column.table.primary_key.columns))) for column in lead_references()}


def give_history(db: Session, lead: int, campaign: int, step: int, tag: str) -> None:
    """A sent message with its attempt, a delivery event, a reply, a LinkedIn task and a suppression."""
    message = str(uuid.uuid4())
    db.add(OutreachMessageDB(id=message, lead_id=lead, campaign_id=campaign, sequence_step=step, body=f"hi {tag}"))
    attempt = OutreachAttemptDB(lead_id=lead, campaign_id=campaign, message_id=message, channel=Channel.EMAIL,
                                status=SendStatus.SENT, target=f"{tag}@acme.io")
    db.add(attempt)
    db.flush()
    db.add(DeliveryEventDB(kind=EventKind.DELIVERED, lead_id=lead, attempt_id=attempt.id, message_id=message))
    db.add(InboundMessageDB(source="imap", kind=InboundKind.REPLY, lead_id=lead, message_id=message,
                            text=f"thanks, {tag}", provider_event_id=tag))
    db.add(OperatorTaskDB(kind=TaskKind.LINKEDIN, lead_id=lead, campaign_id=campaign, provider="tasks",
                          action=LinkedInTaskKind.CONNECTION_REQUEST, url="https://www.linkedin.com/in/janedoe/",
                          body=tag))
    db.add(SuppressionDB(kind=SuppressionKind.ADDRESS, value=f"{tag}@acme.io", reason="manual", lead_id=lead))


def stored_jane_twice(db: Session, tmp_path: Path, *, same_step: bool = False) -> tuple[int, int]:
    """Jane stored as two leads, each with outreach history in one campaign (steps 0 and 1, or both step 0)."""
    import_rows(db, tmp_path / "first.csv", [JANE])
    import_rows(db, tmp_path / "second.csv", [JANE_ON_LINKEDIN, ["", "", "jd@acme.io", "linkedin.com/in/janedoe", "",
                                                                 "", "", "", ""]])
    older, newer = lead_id(db, email="jane@acme.io"), lead_id(db, email="j.doe@acme.io")
    assert older < newer
    campaign = CampaignDB(name="spring")
    db.add(campaign)
    db.flush()
    give_history(db, older, campaign.id, 0, "older")
    give_history(db, newer, campaign.id, 0 if same_step else 1, "newer")
    db.execute(LeadDB.__table__.update().where(LeadDB.id == older).values(status=LeadStatus.CONTACTED))
    db.execute(LeadDB.__table__.update().where(LeadDB.id == newer).values(status=LeadStatus.UNSUBSCRIBED,
                                                                         last_outreach_at=LAST_OUTREACH))
    db.commit()
    return older, newer


def test_a_row_naming_two_stored_leads_merges_them_into_the_oldest_and_moves_everything_pointing_at_them(
        db: Session, tmp_path: Path) -> None:
    older, newer = stored_jane_twice(db, tmp_path)
    before = references(db)
    assert before.pop("lead_aliases.lead_id") == [newer]  # jd@acme.io, merged into it by LinkedIn profile
    timeline = [(e.kind, e.message_id, e.text) for e in lead_timeline(db, older) + lead_timeline(db, newer)]
    assert {lead for rows in before.values() for lead in rows} == {older, newer}

    report = import_rows(db, tmp_path / "bridge.csv", [BRIDGE])

    assert (report.rows_read, report.inserted, report.merged, report.joined) == (1, 0, 1, 1)
    assert summary_line(report) == "read 1, inserted 0, merged 1, rejected 0, leads merged together 1"
    db.expire_all()
    lead = db.scalars(select(LeadDB)).one()
    assert lead.id == older
    assert (lead.email, lead.linkedin_url) == ("jane@acme.io", "https://www.linkedin.com/in/janedoe/")
    assert (lead.first_name, lead.title, lead.phone, lead.country) == ("Jane", "CTO", "+14155550100", "US")
    assert lead.tags == ["conference", "webinar"]
    assert (lead.status, lead.last_outreach_at) == (LeadStatus.UNSUBSCRIBED, LAST_OUTREACH)  # the opt-out holds
    after = references(db)
    assert after.pop("lead_aliases.lead_id") == [older, older, older]
    assert after == {table: [older if lead == newer else lead for lead in rows] for table, rows in before.items()}
    aliases = db.execute(select(LeadAliasDB.kind, LeadAliasDB.value, LeadAliasDB.lead_id))
    assert sorted(tuple(row) for row in aliases) == [
        (KeyKind.EMAIL, "j.doe@acme.io", older), (KeyKind.EMAIL, "jd@acme.io", older),
        (KeyKind.MERGED_LEAD, str(newer), older)]
    assert find_current(db, newer) is lead  # links already sent to the merged lead find the person
    assert sorted((e.kind, e.message_id, e.text) for e in lead_timeline(db, older)) == sorted(timeline)


def test_the_merged_lead_is_found_by_every_key_of_both_and_importing_again_changes_nothing(
        db: Session, tmp_path: Path) -> None:
    stored_jane_twice(db, tmp_path)
    import_rows(db, tmp_path / "bridge.csv", [BRIDGE])
    merged = snapshot(db)
    again = import_rows(db, tmp_path / "all.csv", [JANE, JANE_ON_LINKEDIN, BRIDGE,
                                                   ["", "", "JD@acme.io", "", "", "", "", "", ""]])
    assert (again.inserted, again.merged, again.joined) == (0, 4, 0)
    assert snapshot(db) == merged
    assert leads(db) == 1


def test_leads_with_a_message_for_the_same_campaign_step_are_kept_apart_with_a_warning(
        db: Session, tmp_path: Path) -> None:
    older, newer = stored_jane_twice(db, tmp_path, same_step=True)
    before = references(db)
    report = import_rows(db, tmp_path / "bridge.csv", [BRIDGE])
    assert (report.merged, report.joined) == (1, 0)
    assert report.warnings == [f"leads {older}, {newer} look like one person but were kept apart: both have "
                               "outreach_messages rows with the same campaign_id, sequence_step"]
    assert leads(db) == 2
    assert references(db) == before


def test_rows_made_into_two_leads_earlier_in_the_same_file_are_merged_by_a_later_row(db: Session,
                                                                                      tmp_path: Path) -> None:
    for rows in ([JANE, JANE_ON_LINKEDIN, BRIDGE], [JANE_ON_LINKEDIN, JANE, BRIDGE]):
        # In one batch, and with the bridge in a batch after the leads it links were stored.
        for options in (OPTIONS, ImportOptions(write_rejects=False, batch_size=2)):
            db.execute(LeadAliasDB.__table__.delete())
            db.execute(LeadDB.__table__.delete())
            db.commit()
            report = import_rows(db, tmp_path / "file.csv", rows, options)
            assert (report.inserted, report.merged, report.joined) == (2, 1, 1)
            db.expire_all()
            lead = db.scalars(select(LeadDB)).one()
            assert (lead.email, lead.title) == (rows[0][2], rows[0][5])  # the first row's lead survives
            emails = db.scalars(select(LeadAliasDB.value).where(LeadAliasDB.kind == KeyKind.EMAIL))
            assert set(emails) == {"jane@acme.io", "j.doe@acme.io"} - {rows[0][2]}


def test_a_name_at_a_company_domain_that_a_merge_completes_merges_the_lead_holding_it(db: Session,
                                                                                       tmp_path: Path) -> None:
    on_linkedin = ["Jane", "Doe", "", "https://www.linkedin.com/in/janedoe/", "", "", "", "", ""]
    at_acme = ["Jane", "Doe", "", "", "acme.io", "CTO", "", "", ""]
    linkedin_at_acme = ["", "", "", "https://www.linkedin.com/in/janedoe/", "https://acme.io", "", "", "", ""]
    for rows in ([on_linkedin, at_acme, linkedin_at_acme], [linkedin_at_acme, on_linkedin, at_acme]):
        db.execute(LeadAliasDB.__table__.delete())
        db.execute(LeadDB.__table__.delete())
        db.commit()
        import_rows(db, tmp_path / "file.csv", rows)
        db.expire_all()
        lead = db.scalars(select(LeadDB)).one()
        assert (lead.name_key, lead.title, lead.linkedin_url) == ("jane doe|acme.io", "CTO",
                                                                 "https://www.linkedin.com/in/janedoe/")


def _bridged_file(people: int) -> list[list[str]]:
    """For each person an email-only row, a LinkedIn-only row and, later, a row with both."""
    rows: list[list[str]] = []
    for i in range(people):
        rows += [[f"P{i}", "Doe", f"p{i}@acme.io", "", "", "", "", "", ""],
                 ["", "", "", f"https://www.linkedin.com/in/p{i}-doe/", "", "Engineer", "", "", ""]]
    return rows + [["", "", f"p{i}@acme.io", f"https://www.linkedin.com/in/p{i}-doe/", "", "", "", "", ""]
                   for i in range(people)]


def test_worker_processes_merge_leads_together_exactly_as_an_in_process_import_does(engine: Engine,
                                                                                    tmp_path: Path) -> None:
    outcomes: list[Any] = []
    for workers in (0, 2):
        empty_tables(engine)
        with make_session_factory(engine)() as db:
            report = import_rows(db, tmp_path / "bridged.csv", _bridged_file(30),
                                 ImportOptions(write_rejects=False, batch_size=7, workers=workers))
            assert (report.inserted, report.merged, report.joined, leads(db)) == (60, 30, 30, 30)
            outcomes.append(snapshot(db, with_times=False))
    assert outcomes[0] == outcomes[1]


def test_the_merged_lead_keeps_the_later_of_both_leads_gates_so_the_person_is_not_reached_sooner(
        db: Session, tmp_path: Path) -> None:
    older, newer = stored_jane_twice(db, tmp_path)
    soon, later = datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 3, 4, 9, tzinfo=UTC)
    db.add_all([RateGateDB(key=f"lead:{older}", next_allowed_at=soon),
                RateGateDB(key=f"lead:{newer}", next_allowed_at=later),  # reached by the newer record just now
                RateGateDB(key=f"lead:{older}:email", next_allowed_at=later),
                RateGateDB(key=f"lead:{newer}:email", next_allowed_at=soon),
                RateGateDB(key=f"lead:{newer}:linkedin", next_allowed_at=later),
                RateGateDB(key=f"lead:{newer}0", next_allowed_at=later)])  # another lead's, left alone
    db.commit()

    import_rows(db, tmp_path / "bridge.csv", [BRIDGE])

    db.expire_all()
    gates = {key: at for key, at in db.execute(select(RateGateDB.key, RateGateDB.next_allowed_at))}
    assert gates == {f"lead:{older}": later, f"lead:{older}:email": later, f"lead:{older}:linkedin": later,
                     f"lead:{newer}0": later}
