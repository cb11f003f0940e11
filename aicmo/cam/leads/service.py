"""Lead CRUD; every entry point (CLI, API, dashboard) goes through these."""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import String, cast, delete, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from aicmo.cam.leads.enums import Grade, KeyKind, LeadStatus
from aicmo.cam.leads.grading import LeadGradeService
from aicmo.cam.leads.merge import KEY_COLUMNS, lead_keys
from aicmo.cam.leads.models import LeadAliasDB, LeadDB
from aicmo.cam.leads.normalize import RowRejected, normalize_lead
from aicmo.cam.leads.prepare import check_stored_lengths, identity_key
from aicmo.cam.leads.schemas import LeadCreate, LeadFields, LeadPage, LeadRead, LeadUpdate
from aicmo.cam.leads.store import LeadStore
from aicmo.errors import DuplicateLead, InvalidLead, LeadNotFound

SORTS: dict[str, tuple[Any, ...]] = {
    "score": (LeadDB.score.desc(), LeadDB.id),
    "created": (LeadDB.created_at.desc(), LeadDB.id.desc()),
    "name": (LeadDB.last_name, LeadDB.first_name, LeadDB.id),
    "id": (LeadDB.id,),
}


def _normalized(fields: LeadFields) -> dict[str, Any]:
    raw = fields.model_dump(exclude={"custom_fields", "tags", "status", "linkedin_status"}, exclude_none=True)
    raw = {k: str(v) for k, v in raw.items()}
    tags = fields.tags
    if tags:
        raw["tags"] = tags if isinstance(tags, str) else ";".join(tags)
    try:
        lead = normalize_lead(raw, {k: str(v) for k, v in fields.custom_fields.items()})
    except RowRejected as exc:
        raise InvalidLead(exc.field, exc.reason) from exc
    lead["name_key"] = lead["name_key"] or identity_key(lead)
    try:
        check_stored_lengths(lead)
    except RowRejected as exc:
        raise InvalidLead(exc.field, exc.reason) from exc
    return lead


def _check_unique(db: Session, lead: dict[str, Any], own_id: int | None = None) -> None:
    owners, _ = LeadStore(db).matching(lead_keys(lead))
    for (kind, _value), owner in owners.items():
        if owner != own_id:
            raise DuplicateLead(owner, {"email": "email", "linkedin": "LinkedIn URL",
                                        "name": "name and company domain"}[kind.value])


def _stale_derived(lead: LeadDB, given: dict[str, Any]) -> dict[str, None]:
    """Values worked out from a field that is being changed: cleared so they are worked out again."""
    stale: dict[str, None] = {}
    old_email_domain = (lead.email or "").rpartition("@")[2]
    if "company_domain" not in given and ("website" in given or (
            "email" in given and lead.company_domain and old_email_domain.endswith(lead.company_domain))):
        stale["company_domain"] = None
    if "title" in given and "seniority" not in given:
        stale["seniority"] = None
    return stale


def get(db: Session, lead_id: int) -> LeadDB:
    lead = db.get(LeadDB, lead_id)
    if lead is None:
        raise LeadNotFound(lead_id)
    return lead


def create(db: Session, data: LeadCreate, *, grader: LeadGradeService | None = None) -> LeadDB:
    """Validate, normalise and store a new lead; refuse one that duplicates a stored lead."""
    values = _normalized(data)
    _check_unique(db, values)
    lead = LeadDB(**{k: v for k, v in values.items() if hasattr(LeadDB, k)})
    db.add(lead)
    db.flush()
    (grader or LeadGradeService()).grade_lead(db, lead.id)
    return lead


def update(db: Session, lead_id: int, data: LeadUpdate, *, grader: LeadGradeService | None = None) -> LeadDB:
    """Change the given fields (others stay), re-normalise and re-grade."""
    lead = get(db, lead_id)
    given = data.model_dump(exclude_unset=True)
    current = LeadFields.model_validate({
        name: getattr(lead, name) for name in LeadFields.model_fields
        if hasattr(LeadDB, name) and getattr(lead, name) not in (None, "", [])
    } | {"custom_fields": lead.custom_fields or {}})
    merged = current.model_copy(update={k: v for k, v in given.items() if k not in ("status", "linkedin_status")}
                                | _stale_derived(lead, given))
    values = _normalized(LeadFields.model_validate(merged.model_dump()))
    _check_unique(db, values, own_id=lead.id)
    old_keys = lead_keys({column: getattr(lead, column) for column in KEY_COLUMNS.values()})
    for name, value in values.items():
        if hasattr(LeadDB, name) and (name in given or name not in ("custom_fields", "tags") or value):
            setattr(lead, name, value)
    for kind, value in old_keys:
        if getattr(lead, KEY_COLUMNS[kind]) != value:
            db.merge(LeadAliasDB(kind=kind, value=value, lead_id=lead.id))
    for name in ("status", "linkedin_status"):
        if given.get(name) is not None:
            setattr(lead, name, given[name])
    db.flush()
    (grader or LeadGradeService()).grade_lead(db, lead.id)
    return lead


def find_current(db: Session, lead_id: int) -> LeadDB | None:
    """The lead with this id or, if an import merged it into another record of the same person, that record."""
    lead = db.get(LeadDB, lead_id)
    if lead is not None:
        return lead
    survivor = db.scalar(select(LeadAliasDB.lead_id).where(LeadAliasDB.kind == KeyKind.MERGED_LEAD,
                                                           LeadAliasDB.value == str(lead_id)))
    return None if survivor is None else db.get(LeadDB, survivor)


def delete_lead(db: Session, lead_id: int) -> None:
    """Erase a lead and every key that identified it (a GDPR erasure request)."""
    get(db, lead_id)
    db.execute(delete(LeadAliasDB).where(LeadAliasDB.lead_id == lead_id))
    db.execute(delete(LeadDB).where(LeadDB.id == lead_id))


def has_tag(db: Session, tag: str) -> ColumnElement[bool]:
    if db.get_bind().dialect.name == "postgresql":
        return LeadDB.tags.op("@>")(func.jsonb_build_array(literal(tag, String)))
    each = func.json_each(LeadDB.tags).table_valued("value")
    return select(each.c.value).where(each.c.value == tag).exists()


def like_escaped(text: str) -> str:
    """``text`` matched literally by LIKE … ESCAPE '\\': its % and _ are no wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filters(db: Session, *, grades: Sequence[str] = (), statuses: Sequence[LeadStatus | str] = (),
            tag: str | None = None, search: str | None = None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if grades:
        unknown_grades = [g for g in grades if g.upper() not in set(Grade)]
        if unknown_grades:
            raise InvalidLead("grade", f"unknown grade {unknown_grades[0]!r}: use one of {', '.join(Grade)}")
        conditions.append(LeadDB.grade.in_([g.upper() for g in grades]))
    if statuses:
        unknown = [s for s in statuses if s not in set(LeadStatus)]
        if unknown:
            raise InvalidLead("status", f"unknown status {unknown[0]!r}: use one of {', '.join(LeadStatus)}")
        conditions.append(LeadDB.status.in_([LeadStatus(s) for s in statuses]))
    if tag:
        conditions.append(has_tag(db, tag))
    if search:
        pattern = f"%{like_escaped(search.strip().lower())}%"
        full_name = func.lower(func.coalesce(LeadDB.first_name, "") + " " + func.coalesce(LeadDB.last_name, ""))
        conditions.append(or_(full_name.like(pattern, escape="\\"), LeadDB.email.like(pattern, escape="\\"),
                              func.lower(LeadDB.company_name).like(pattern, escape="\\"),
                              cast(LeadDB.company_domain, String).like(pattern, escape="\\")))
    return conditions


def stream(db: Session, *, grades: Sequence[str] = (), statuses: Sequence[LeadStatus | str] = (),
           tag: str | None = None, search: str | None = None, sort: str = "score") -> Iterator[LeadDB]:
    """Every matching lead, fetched in chunks so an export of a million leads stays small in memory."""
    conditions = filters(db, grades=grades, statuses=statuses, tag=tag, search=search)
    statement = select(LeadDB).where(*conditions).order_by(*SORTS[sort]).execution_options(yield_per=1000)
    for lead in db.scalars(statement):
        yield lead
        db.expunge(lead)


def get_all(db: Session, *, grades: Sequence[str] = (), statuses: Sequence[LeadStatus | str] = (),
            tag: str | None = None, search: str | None = None, page: int = 1, page_size: int = 50,
            sort: str = "score") -> LeadPage:
    """One page of leads matching the filters, best score first by default."""
    if page < 1 or not 1 <= page_size <= 1000:
        raise InvalidLead("page", "page must be >= 1 and page_size within 1..1000")
    conditions = filters(db, grades=grades, statuses=statuses, tag=tag, search=search)
    total = db.scalar(select(func.count()).select_from(LeadDB).where(*conditions)) or 0
    # Rows, not ORM objects: a page is read and answered, never changed, and skipping the identity map is faster.
    statement = (select(LeadDB.__table__).where(*conditions).order_by(*SORTS[sort])
                 .offset((page - 1) * page_size).limit(page_size))
    items = [LeadRead.model_validate(row._asdict()) for row in db.execute(statement)]
    return LeadPage(items=items, total=total, page=page, page_size=page_size)


__all__ = ["KeyKind", "create", "delete_lead", "find_current", "get", "get_all", "stream", "update"]
