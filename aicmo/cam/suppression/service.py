"""The suppression list: who must never be contacted again, and the one place an unsubscribe takes effect.

Session first; nothing here commits except `import_csv`, which is a whole unit of work.
"""

import csv
import io
from collections.abc import Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, TextIO, TypeVar

from sqlalchemy import and_, bindparam, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import EventKind
from aicmo.cam.outreach.models import DeliveryEventDB
from aicmo.cam.suppression.models import SuppressionDB, SuppressionKind
from aicmo.cam.suppression.schemas import ImportResult as ImportResult
from aicmo.cam.suppression.schemas import InvalidSuppression as InvalidSuppression
from aicmo.cam.suppression.schemas import (
    Rejected,
    loose_address,
    loose_domain,
    parse_reason,
    parse_value,
    with_parents,
)
from aicmo.cam.webhooks.events import WebhookEvent, emit, lead_data
from aicmo.db.base import utcnow
from aicmo.errors import ImportFileError

EXPORT_COLUMNS = ("value", "kind", "reason", "detail", "created_at")
# Header names (lower-cased, without spaces, '_' or '-') an import takes the value from, in order of preference.
_VALUE_COLUMNS = ("value", "email", "emailaddress", "address", "domain")
_CLEAR_STATUSES = (LeadStatus.UNSUBSCRIBED, LeadStatus.DO_NOT_CONTACT)


def _find(db: Session, kind: SuppressionKind, value: str) -> SuppressionDB | None:
    return db.scalars(select(SuppressionDB).where(SuppressionDB.kind == kind, SuppressionDB.value == value)).first()


def _insert_unless_listed(db: Session, row: dict[str, Any]) -> None:
    """Insert, or do nothing when a concurrent transaction listed the same value first."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        db.execute(postgresql.insert(SuppressionDB).values(row).on_conflict_do_nothing(
            index_elements=["kind", "value"]))
    elif dialect == "sqlite":
        db.execute(sqlite.insert(SuppressionDB).values(row).on_conflict_do_nothing(index_elements=["kind", "value"]))
    else:
        db.execute(insert(SuppressionDB).values(row))


def _add(db: Session, value: str, *, reason: str, detail: str | None, lead_id: int | None
         ) -> tuple[SuppressionDB, bool]:
    kind, normal = parse_value(value)
    reason = parse_reason(value, reason)
    existing = _find(db, kind, normal)
    if existing is not None:
        return existing, False
    _insert_unless_listed(db, {"kind": kind, "value": normal, "reason": reason, "detail": detail,
                               "lead_id": lead_id, "created_at": utcnow()})
    row = _find(db, kind, normal)
    assert row is not None  # inserted, or listed by a transaction that committed first
    return row, True


def add(db: Session, value: str, *, reason: str = "manual", detail: str | None = None,
        lead_id: int | None = None) -> SuppressionDB:
    """Suppress an address (has '@') or a whole domain; an existing entry is returned as it is, first reason kept."""
    return _add(db, value, reason=reason, detail=detail, lead_id=lead_id)[0]


def get(db: Session, value: str) -> SuppressionDB | None:
    """The entry for exactly this address or domain (normalised as `add` does), if listed."""
    return _find(db, *parse_value(value))


def remove(db: Session, value: str) -> bool:
    """Take an address or domain off the list; False when it was not on it."""
    try:
        row = get(db, value)
    except InvalidSuppression:
        return False
    if row is None:
        return False
    db.delete(row)
    db.flush()
    return True


def get_all(db: Session, *, kind: SuppressionKind | None = None, search: str | None = None, limit: int = 100,
            offset: int = 0) -> list[SuppressionDB]:
    """Entries, newest first; `search` matches any part of the value, ignoring case."""
    query = select(SuppressionDB)
    if kind is not None:
        query = query.where(SuppressionDB.kind == kind)
    if search and search.strip():
        query = query.where(SuppressionDB.value.contains(search.strip().lower(), autoescape=True))
    query = query.order_by(SuppressionDB.created_at.desc(), SuppressionDB.id.desc())
    return list(db.scalars(query.limit(limit).offset(offset)))


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SuppressionDB)) or 0


K = TypeVar("K", bound=Hashable)

# Built once: every send on every channel runs this check, so it skips statement construction and the ORM.
_FIND_ANY = (
    select(SuppressionDB.id, SuppressionDB.kind, SuppressionDB.value, SuppressionDB.reason)
    .where(or_(and_(SuppressionDB.kind == SuppressionKind.ADDRESS,
                    SuppressionDB.value.in_(bindparam("addresses", expanding=True))),
               and_(SuppressionDB.kind == SuppressionKind.DOMAIN,
                    SuppressionDB.value.in_(bindparam("domains", expanding=True)))))
    .order_by(SuppressionDB.id)
)


class Blocking(NamedTuple):
    """The suppression entry that forbids a contact."""

    id: int
    kind: SuppressionKind
    value: str
    reason: str


def suppressed(db: Session, address: str | None, *, domains: Iterable[str] = ()) -> Blocking | None:
    """The entry forbidding contact: the address itself, its domain, or one of `domains` (or a parent of one).

    An address entry comes before a domain entry; among several, the oldest. Case and Unicode/Punycode spelling
    make no difference.
    """
    return suppressed_each(db, {0: (address, domains)})[0]


def suppressed_each(db: Session, contacts: Mapping[K, tuple[str | None, Iterable[str]]]) -> dict[K, Blocking | None]:
    """`suppressed` for many (address, domains) pairs at once, in one query."""
    wanted = {key: _candidates(address, domains) for key, (address, domains) in contacts.items()}
    addresses = {normal for normal, _ in wanted.values() if normal is not None}
    domains = set().union(*(candidates for _, candidates in wanted.values()))
    if not addresses and not domains:
        return dict.fromkeys(contacts)
    if db.new or db.dirty or db.deleted:
        db.flush()
    by_address: dict[str, Blocking] = {}
    by_domain: dict[str, Blocking] = {}
    for row in db.connection().execute(_FIND_ANY, {"addresses": sorted(addresses), "domains": sorted(domains)}):
        entry = Blocking(*row)
        found = by_address if entry.kind == SuppressionKind.ADDRESS else by_domain
        found.setdefault(entry.value, entry)  # rows come by id: the oldest entry answers
    answers: dict[K, Blocking | None] = {}
    for key, (normal, candidates) in wanted.items():
        blocking = by_address.get(normal) if normal is not None else None
        if blocking is None:
            blocking = min((by_domain[d] for d in candidates if d in by_domain), key=lambda e: e.id, default=None)
        answers[key] = blocking
    return answers


def _candidates(address: str | None, domains: Iterable[str]) -> tuple[str | None, set[str]]:
    """The address as stored, and every domain (with its parents) whose entry would forbid the contact."""
    normal: str | None = None
    candidates: set[str] = set()
    if address and address.strip():
        normal, domain = loose_address(address)
        candidates.update(with_parents(domain))
    for given in domains:
        if given and given.strip():
            candidates.update(with_parents(loose_domain(given)))
    return normal, candidates


def unsubscribe(db: Session, *, lead_id: int, message_id: str | None, source: str,
                now: datetime | None = None) -> bool:
    """Stop all contact with the lead for good; False when there was nothing left to change (or no such lead).

    The lead's address is suppressed, the lead UNSUBSCRIBED (a do-not-contact lead stays so), its waiting
    messages cancelled, and the unsubscribe recorded. Never commits.
    """
    now = now or utcnow()
    # Locked, so two simultaneous clicks (the mail provider's one-click and the person's) record one unsubscribe.
    lead = db.scalars(select(LeadDB).where(LeadDB.id == lead_id).with_for_update()
                      .execution_options(populate_existing=True)).first()
    if lead is None:
        return False
    changed = False
    if lead.email:
        # An address that cannot be listed is still never written to: the lead's status forbids it.
        with suppress(InvalidSuppression):
            changed = _add(db, lead.email, reason="unsubscribe", detail=source, lead_id=lead.id)[1]
    if lead.status not in _CLEAR_STATUSES:
        lead.status = LeadStatus.UNSUBSCRIBED
        changed = True
    if messages.cancel_for_lead(db, lead.id, "the lead unsubscribed", now) > 0:
        changed = True
    if changed:
        db.add(DeliveryEventDB(kind=EventKind.UNSUBSCRIBE, lead_id=lead.id, message_id=message_id, detail=source,
                               occurred_at=now))
        emit(db, WebhookEvent.LEAD_UNSUBSCRIBED, {"lead": lead_data(lead), "message_id": message_id,
                                                  "source": source}, now)
    db.flush()
    return changed


def _header_key(cell: str) -> str:
    return "".join(ch for ch in cell.strip().lower() if ch not in " _-")


def _sniffed(sample: str) -> type[csv.Dialect] | str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return "excel"


def _text(source: Path | bytes) -> tuple[str, str]:
    """The text of a file, or of a file's uploaded bytes, and what to call it in errors."""
    where = "the uploaded file" if isinstance(source, bytes) else str(source)
    try:
        if isinstance(source, bytes):
            return source.decode("utf-8-sig"), where
        return source.read_text(encoding="utf-8-sig"), where
    except FileNotFoundError:
        raise ImportFileError(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{where}: cannot read it as UTF-8 text: {exc}") from None


def _rows(text: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), _sniffed(text[:8192]))
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"{where}, line {reader.line_num}: {exc}") from None


def _columns(header: list[str]) -> dict[str, int] | None:
    """Where the value, reason and detail are, if this row is a header naming them."""
    keys = {_header_key(cell): index for index, cell in reversed(list(enumerate(header)))}
    value = next((keys[name] for name in _VALUE_COLUMNS if name in keys), None)
    if value is None:
        return None
    return {"value": value} | {name: keys[name] for name in ("reason", "detail") if name in keys}


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def import_csv(db: Session, source: Path | bytes, *, reason: str = "import") -> ImportResult:
    """Add every value of a CSV file or uploaded CSV bytes (header with email, domain or value, and optionally
    reason and detail; or one column without header). Bad rows are reported by line, the good ones added; commits
    once at the end."""
    text, where = _text(source)
    rows = _rows(text, where)
    first = next(rows, None)
    if first is None:
        return ImportResult()
    columns = _columns(first[1])
    if columns is None:
        if len([cell for cell in first[1] if cell.strip()]) > 1:
            raise ImportFileError(f"{where}: no email, domain or value column in the header "
                                  f"({', '.join(cell.strip() for cell in first[1])})")
        rows, columns = _chain(first, rows), {"value": 0}
    result = ImportResult()
    for line, cells in rows:
        value = _cell(cells, columns["value"])
        if not value:
            result.rejected.append(Rejected(line, "", "no value"))
            continue
        try:
            _, added = _add(db, value, reason=_cell(cells, columns.get("reason")) or reason,
                            detail=_cell(cells, columns.get("detail")) or None, lead_id=None)
        except InvalidSuppression as exc:
            result.rejected.append(Rejected(line, value, exc.reason))
            continue
        if added:
            result.added += 1
        else:
            result.existing += 1
    return result


def _chain(first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rest


@contextmanager
def _opened(target: Path | TextIO) -> Iterator[TextIO]:
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    else:
        yield target


def export_csv(db: Session, target: Path | TextIO) -> int:
    """Write every entry, oldest first, as value,kind,reason,detail,created_at; return how many."""
    query = select(SuppressionDB.value, SuppressionDB.kind, SuppressionDB.reason, SuppressionDB.detail,
                   SuppressionDB.created_at).order_by(SuppressionDB.id).execution_options(yield_per=1000)
    written = 0
    with _opened(target) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for value, kind, reason, detail, created_at in db.execute(query):
            writer.writerow([value, kind.value, reason, detail or "", created_at.isoformat()])
            written += 1
    return written
