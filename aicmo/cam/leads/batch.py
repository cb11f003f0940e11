"""One batch of an import: normalise rows, resolve them against known leads, write the result."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import GradingProfile
from aicmo.cam.leads.enums import EmailStatus, KeyKind, LeadStatus, LinkedInStatus
from aicmo.cam.leads.headers import HeaderMapping
from aicmo.cam.leads.joins import clash, fold
from aicmo.cam.leads.merge import KEY_COLUMNS, Key, join_changes, lead_keys, merge_lead
from aicmo.cam.leads.mx import check_mx
from aicmo.cam.leads.prepare import PrepareContext, PreparedRows, grade_fields, identity_key, prepare_rows
from aicmo.cam.leads.readers import RawRow
from aicmo.cam.leads.rejects import Rejection
from aicmo.cam.leads.store import LeadStore
from aicmo.cam.webhooks import events as webhook_events
from aicmo.cam.webhooks.events import WebhookEvent, lead_data

# A lead is either already stored (its id) or new in this batch (its index, as ("new", i)).
Ref = int | tuple[str, int]


@dataclass
class BatchResult:
    rows: int = 0
    inserted: int = 0
    merged: int = 0
    # Leads (stored, or new in this batch) found to be one person with an older lead and folded into it.
    joined: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    flagged: list[Rejection] = field(default_factory=list)  # fields left out of or cut in rows that were kept
    warnings: list[str] = field(default_factory=list)


def _age(ref: Ref) -> tuple[int, int]:
    """Oldest first: stored leads by id, then the batch's new leads in file order."""
    return (0, ref) if isinstance(ref, int) else (1, ref[1])


@lru_cache(maxsize=4096)
def _mx_status(domain: str) -> EmailStatus:
    found = check_mx(domain)
    if found is None:
        return EmailStatus.VALID_SYNTAX
    return EmailStatus.VALID_MX if found else EmailStatus.NO_MX


class LeadBatch:
    def __init__(self, db: Session, mapping: HeaderMapping, profile: GradingProfile, *, now: datetime,
                 overwrite: bool, source: str | None, default_region: str | None, check_mx: bool) -> None:
        self.db = db
        self.store = LeadStore(db)
        self.mapping = mapping
        self.profile = profile
        self.now = now
        self.overwrite = overwrite
        self.source = source
        self.default_region = default_region
        self.check_mx = check_mx
        self.result = BatchResult()
        self.owner: dict[Key, Ref] = {}
        self.leads: dict[Ref, dict[str, Any]] = {}
        self.new: list[dict[str, Any]] = []
        self.changed: dict[int, dict[str, Any]] = {}
        self.aliases: list[tuple[KeyKind, str, Ref]] = []
        self.regrade: set[Ref] = set()
        self.folded: dict[Ref, Ref] = {}  # a lead folded into an older one -> that one
        self.dropped: set[int] = set()  # indexes in `new` of leads folded before they were stored
        self.apart: set[frozenset[Ref]] = set()  # one person by their keys, kept apart by their history
        self.stored_grades: dict[int, str | None] = {}  # stored leads' grades before this batch

    def run(self, rows: list[RawRow]) -> BatchResult:
        context = PrepareContext(self.mapping, self.profile, self.now, self.source, self.default_region)
        return self.run_prepared(prepare_rows(context, rows))

    def run_prepared(self, batch: PreparedRows) -> BatchResult:
        """Resolve rows prepared by ``prepare_rows`` (here or in a worker process) and write them."""
        self.result.rows += batch.rows
        self.result.rejections.extend(batch.rejections)
        self.result.flagged.extend(batch.flagged)
        prepared = batch.leads
        if self.check_mx:
            for lead in prepared:
                if lead["email"]:
                    lead["email_status"] = _mx_status(lead["email"].rpartition("@")[2])
        keys = [lead_keys(lead) for lead in prepared]
        owners, existing = self.store.matching({key for its_keys in keys for key in its_keys})
        self.owner.update(owners)
        for lead_id, row in existing.items():
            self.leads[lead_id] = row
            self.stored_grades.setdefault(lead_id, row.get("grade"))
        for lead, its_keys in zip(prepared, keys, strict=True):
            self._resolve(lead, its_keys)
        self._write()
        return self.result

    def _resolve(self, lead: dict[str, Any], keys: list[Key]) -> None:
        target = next((self.owner[k] for k in keys if k in self.owner), None)
        if target is None:
            ref: Ref = ("new", len(self.new))
            self.new.append(lead)
            self.leads[ref] = lead
            for key in keys:
                self.owner[key] = ref
            self.result.inserted += 1
            return
        self.result.merged += 1
        if len(keys) > 1 and any(self.owner.get(key, target) != target for key in keys):
            # The row shows that leads known apart are one person.
            target = self._join([self.owner[key] for key in keys if key in self.owner])
        rival = self._merge(target, merge_lead(self.leads[target], lead, overwrite=self.overwrite), keys)
        if rival is not None:
            self._fold(target, rival)

    def _join(self, refs: list[Ref]) -> Ref:
        """Fold leads that are one person into the oldest of them; return the lead they became."""
        survivor, *others = sorted(set(refs), key=_age)
        for other in others:
            survivor = self._fold(survivor, other)
        return survivor

    def _fold(self, ref: Ref, other: Ref) -> Ref:
        """Fold the newer of two leads into the older, then any lead sharing the result's name key."""
        ref, other = self._final(ref), self._final(other)
        if ref == other or self._kept_apart(ref, other):
            return ref
        survivor, folded = sorted((ref, other), key=_age)
        rival = self._absorb(survivor, folded)
        return survivor if rival is None else self._fold(survivor, rival)

    def _absorb(self, survivor: Ref, folded: Ref) -> Ref | None:
        self.folded[folded] = survivor
        self.result.joined += 1
        moved = [key for key, owner in self.owner.items() if owner == folded]
        for key in moved:
            self.owner[key] = survivor
        values = self._row(folded)
        if isinstance(folded, int):
            self.changed.pop(folded, None)  # its pending changes are in `values`, which the survivor takes
        else:
            self.dropped.add(folded[1])
            self.regrade.discard(folded)
        rival = self._merge(survivor, join_changes(self.leads[survivor], values), moved)
        current = self.leads[survivor]
        for kind, column in KEY_COLUMNS.items():
            if values.get(column) and current.get(column) != values[column]:
                self.aliases.append((kind, values[column], survivor))
        return rival

    def _kept_apart(self, ref: Ref, other: Ref) -> bool:
        pair = frozenset((ref, other))
        if pair in self.apart:
            return True
        ours, theirs = self._stored_members(ref), self._stored_members(other)
        reason = clash(self.store.connection, ours + theirs) if ours and theirs else None
        if reason is None:
            return False
        self.apart.add(pair)
        self.result.warnings.append(f"leads {', '.join(map(str, sorted(ours + theirs)))} look like one person "
                                    f"but were kept apart: {reason}")
        return True

    def _stored_members(self, ref: Ref) -> list[int]:
        """The stored leads that are, or were folded into, this lead."""
        return [m for m in (ref, *self.folded) if isinstance(m, int) and self._final(m) == ref]

    def _final(self, ref: Ref) -> Ref:
        while ref in self.folded:
            ref = self.folded[ref]
        return ref

    def _row(self, ref: Ref) -> dict[str, Any]:
        if ref not in self.leads and isinstance(ref, int):
            for lead_id, row in self.store.load([ref]).items():
                self.leads[lead_id] = row
        return self.leads[ref]

    def _merge(self, target: Ref, changes: dict[str, Any], keys: list[Key]) -> Ref | None:
        """Apply changes to a lead; return another lead its merged values name by name and company domain."""
        current = self._row(target)
        if not isinstance(target, int):
            self.regrade.add(target)
        for kind, column in KEY_COLUMNS.items():
            if column in changes and self._owner_of((kind, changes[column]), target) != target:
                del changes[column]  # that value already identifies another lead
                if column == "email":
                    changes.pop("email_status", None)
        rival = self._name_key(target, current, changes)
        for kind, column in KEY_COLUMNS.items():
            old = current.get(column)
            if column in changes and old:
                self.aliases.append((kind, old, target))
        current.update(changes)
        for key in [*keys, *lead_keys(current)]:
            if key not in self.owner:
                self.owner[key] = target
                if current.get(KEY_COLUMNS[key[0]]) != key[1]:
                    self.aliases.append((key[0], key[1], target))
        if changes and isinstance(target, int):
            self.changed.setdefault(target, {}).update(changes)
        return rival

    def _name_key(self, target: Ref, current: dict[str, Any], changes: dict[str, Any]) -> Ref | None:
        """Set the name key the changes give the lead; return the lead that already has it, if one does."""
        identity = identity_key({**current, **changes})
        if not identity or identity == current.get("name_key"):
            return None
        owner = self._owner_of((KeyKind.NAME, identity), target)
        if owner != target:
            return owner
        changes["name_key"] = identity
        return None

    def _owner_of(self, key: Key, default: Ref) -> Ref:
        """Who owns a key, asking the database for one the batch has not seen; `default` when nobody."""
        if key not in self.owner:
            found = self.store.ids_by_key([key])
            if key in found:
                self.owner[key] = self._final(found[key])
            else:
                return default
        return self.owner[key]

    def _grade(self, lead: dict[str, Any]) -> dict[str, Any]:
        return grade_fields(lead, self.profile, self.now)

    def _write(self) -> None:
        # Folded leads go first: the survivors' updates may take over their emails and profile URLs.
        fold(self.store, [(ref, cast(int, self._final(ref))) for ref in self.folded
                          if isinstance(ref, int)])  # a stored lead only folds into a stored one
        for ref in self.regrade:
            self.leads[ref].update(self._grade(self.leads[ref]))
        new = [lead for i, lead in enumerate(self.new) if i not in self.dropped] if self.dropped else self.new
        for lead in new:
            lead.setdefault("status", LeadStatus.NEW)
            lead.setdefault("linkedin_status", LinkedInStatus.NONE)
        self.store.insert(new, self.now)
        updates = []
        for lead_id, changes in self.changed.items():
            changes.update(self._grade(self.leads[lead_id]))
            changes["updated_at"] = self.now
            updates.append((lead_id, changes))
        self.store.update(updates)
        self._write_aliases()
        self._announce_grades(new)

    def _announce_grades(self, new: list[dict[str, Any]]) -> None:
        """lead.graded for each new lead and each stored one whose grade this batch changed, if anyone listens."""
        if not webhook_events.wanted(self.db, WebhookEvent.LEAD_GRADED):
            return
        payloads: list[dict[str, Any]] = []
        if new:
            ids = self.store.ids_by_key(lead_keys(lead)[0] for lead in new)
            payloads += [{"lead": lead_data({**lead, "id": ids[lead_keys(lead)[0]]}), "previous_grade": None}
                         for lead in new]
        for lead_id, changes in self.changed.items():
            previous = self.stored_grades.get(lead_id)
            if lead_id not in self.folded and changes.get("grade", previous) != previous:
                payloads.append({"lead": lead_data({**self.leads[lead_id], **changes, "id": lead_id}),
                                 "previous_grade": previous})
        webhook_events.emit_many(self.db, WebhookEvent.LEAD_GRADED, payloads, self.now)

    def _write_aliases(self) -> None:
        if not self.aliases:
            return
        aliases = self.aliases
        if self.folded:
            final = [(kind, value, self._final(ref)) for kind, value, ref in aliases]
            aliases = [(kind, value, ref) for kind, value, ref in final
                       if self.leads[ref].get(KEY_COLUMNS[kind]) != value]
        new_refs = {ref for _, _, ref in aliases if not isinstance(ref, int)}
        ids: dict[Ref, int] = {}
        if new_refs:
            keys = {ref: lead_keys(self.leads[ref])[0] for ref in new_refs}
            found = self.store.ids_by_key(keys.values())
            ids = {ref: found[key] for ref, key in keys.items()}
        self.store.add_aliases([(kind, value, ref if isinstance(ref, int) else ids[ref])
                                for kind, value, ref in dict.fromkeys(aliases)])
