"""One batch of an import: normalise rows, resolve them against known leads, write the result."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import GradingProfile
from aicmo.cam.leads.enums import EmailStatus, KeyKind, LeadStatus, LinkedInStatus
from aicmo.cam.leads.headers import HeaderMapping
from aicmo.cam.leads.merge import KEY_COLUMNS, Key, lead_keys, merge_lead
from aicmo.cam.leads.mx import check_mx
from aicmo.cam.leads.prepare import PrepareContext, PreparedRows, grade_fields, identity_key, prepare_rows
from aicmo.cam.leads.readers import RawRow
from aicmo.cam.leads.rejects import Rejection
from aicmo.cam.leads.store import PREBUILT, LeadStore

# A lead is either already stored (its id) or new in this batch (its index, as ("new", i)).
Ref = int | tuple[str, int]


@dataclass
class BatchResult:
    rows: int = 0
    inserted: int = 0
    merged: int = 0
    rejections: list[Rejection] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _mx_status(domain: str) -> EmailStatus:
    found = check_mx(domain)
    if found is None:
        return EmailStatus.VALID_SYNTAX
    return EmailStatus.VALID_MX if found else EmailStatus.NO_MX


class LeadBatch:
    def __init__(self, db: Session, mapping: HeaderMapping, profile: GradingProfile, *, now: datetime,
                 overwrite: bool, source: str | None, default_region: str | None, check_mx: bool) -> None:
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

    def run(self, rows: list[RawRow]) -> BatchResult:
        context = PrepareContext(self.mapping, self.profile, self.now, self.source, self.default_region)
        return self.run_prepared(prepare_rows(context, rows))

    def run_prepared(self, batch: PreparedRows) -> BatchResult:
        """Resolve rows prepared by ``prepare_rows`` (here or in a worker process) and write them."""
        self.result.rows += batch.rows
        self.result.rejections.extend(batch.rejections)
        prepared = batch.leads
        if self.check_mx:
            for lead in prepared:
                if lead["email"]:
                    lead["email_status"] = _mx_status(lead["email"].rpartition("@")[2])
                    lead.pop(PREBUILT, None)
        owners, existing = self.store.matching({k for lead in prepared for k in lead_keys(lead)})
        self.owner.update(owners)
        for lead_id, row in existing.items():
            self.leads[lead_id] = row
        for lead in prepared:
            self._resolve(lead)
        self._write()
        return self.result

    def _resolve(self, lead: dict[str, Any]) -> None:
        keys = lead_keys(lead)
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
        self._merge(target, lead, keys)
        if not isinstance(target, int):
            self.regrade.add(target)

    def _merge(self, target: Ref, lead: dict[str, Any], keys: list[Key]) -> None:
        current = self.leads[target]
        changes = merge_lead(current, lead, overwrite=self.overwrite)
        for kind, column in KEY_COLUMNS.items():
            if column in changes and self._owner_of((kind, changes[column]), target) != target:
                del changes[column]  # that value already identifies another lead
                if column == "email":
                    changes.pop("email_status", None)
        identity = identity_key({**current, **changes})
        if identity and identity != current.get("name_key") and \
                self._owner_of((KeyKind.NAME, identity), target) == target:
            changes["name_key"] = identity
        for kind, column in KEY_COLUMNS.items():
            old = current.get(column)
            if column in changes and old:
                self.aliases.append((kind, old, target))
        current.update(changes)
        current.pop(PREBUILT, None)
        for key in [*keys, *lead_keys(current)]:
            if key not in self.owner:
                self.owner[key] = target
                if current.get(KEY_COLUMNS[key[0]]) != key[1]:
                    self.aliases.append((key[0], key[1], target))
        if changes and isinstance(target, int):
            self.changed.setdefault(target, {}).update(changes)

    def _owner_of(self, key: Key, default: Ref) -> Ref:
        """Who owns a key, asking the database for one the batch has not seen; `default` when nobody."""
        if key not in self.owner:
            found = self.store.ids_by_key([key])
            if key in found:
                self.owner[key] = found[key]
            else:
                return default
        return self.owner[key]

    def _grade(self, lead: dict[str, Any]) -> dict[str, Any]:
        return grade_fields(lead, self.profile, self.now)

    def _write(self) -> None:
        for ref in self.regrade:
            self.leads[ref].update(self._grade(self.leads[ref]))
            self.leads[ref].pop(PREBUILT, None)
        for lead in self.new:
            lead.setdefault("status", LeadStatus.NEW)
            lead.setdefault("linkedin_status", LinkedInStatus.NONE)
        self.store.insert(self.new, self.now)
        updates = []
        for lead_id, changes in self.changed.items():
            changes.update(self._grade(self.leads[lead_id]))
            changes["updated_at"] = self.now
            updates.append((lead_id, changes))
        self.store.update(updates)
        self._write_aliases()

    def _write_aliases(self) -> None:
        if not self.aliases:
            return
        new_refs = {ref for _, _, ref in self.aliases if not isinstance(ref, int)}
        ids: dict[Ref, int] = {}
        if new_refs:
            keys = {ref: lead_keys(self.leads[ref])[0] for ref in new_refs}
            found = self.store.ids_by_key(keys.values())
            ids = {ref: found[key] for ref, key in keys.items()}
        self.store.add_aliases([(kind, value, ref if isinstance(ref, int) else ids[ref])
                                for kind, value, ref in dict.fromkeys(self.aliases)])
