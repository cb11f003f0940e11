"""Preparing batches in worker processes must not change what an import stores."""

import gc
import weakref
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import load_profile
from aicmo.cam.grading.rules import grade_lead
from aicmo.cam.leads.importer import ImportOptions, import_leads
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.parallel import COLLECT_EVERY_ROWS, collection_paused
from aicmo.db.engine import make_session_factory
from aicmo.errors import ImportFileError
from tests.conftest import empty_tables
from tests.factories import snapshot

EXAMPLES = Path(__file__).parents[4] / "examples"


def _import_twice(engine: Engine, workers: int) -> tuple[object, object]:
    empty_tables(engine)
    with make_session_factory(engine)() as db:
        options = ImportOptions(batch_size=37, workers=workers, write_rejects=False)
        first = import_leads(db, EXAMPLES / "leads.csv", options)
        import_leads(db, EXAMPLES / "salesnav_export.csv", options)
        again = import_leads(db, EXAMPLES / "leads.csv", options)
        assert again.inserted == 0
        return (first.inserted, first.merged, first.rejected, [r.line for r in first.rejections]), \
            snapshot(db, with_times=False)


def test_importing_with_worker_processes_stores_exactly_what_an_in_process_import_stores(engine: Engine) -> None:
    in_process = _import_twice(engine, workers=0)
    pooled = _import_twice(engine, workers=2)
    assert pooled[0] == in_process[0]
    assert pooled[1] == in_process[1]


def test_timestamps_written_by_the_bulk_path_read_back_like_orm_written_ones(db: Session, engine: Engine) -> None:
    import_leads(db, EXAMPLES / "hubspot_export.json", ImportOptions(workers=2, write_rejects=False))
    lead = db.scalars(select(LeadDB)).first()
    assert lead is not None and lead.created_at.tzinfo is not None
    if engine.dialect.name == "sqlite":
        raw = db.connection().exec_driver_sql("SELECT created_at FROM leads LIMIT 1").scalar()
        assert isinstance(raw, str) and "+" not in raw  # SQLAlchemy's own text format, no offset suffix


class _Node:
    other: "_Node"


def test_an_import_pauses_automatic_collection_and_still_frees_cycles_every_so_many_rows() -> None:
    assert gc.isenabled()
    with collection_paused() as collect:
        assert not gc.isenabled()
        node = _Node()
        node.other = node  # a cycle only the collector can free
        freed = weakref.ref(node)
        del node
        collect(COLLECT_EVERY_ROWS - 1)
        assert freed() is not None
        collect(1)
        assert freed() is None
    assert gc.isenabled()


def test_automatic_collection_comes_back_when_an_import_fails(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"  # valid well past the first batch, then not
    broken.write_bytes(b"".join(b'{"email": "lead%d@acme.io"}\n' % i for i in range(80_000)) + b"{broken\n")
    with make_session_factory(engine)() as db, pytest.raises(ImportFileError, match="not valid JSON"):
        import_leads(db, broken, ImportOptions(write_rejects=False, workers=0))
    assert gc.isenabled()


@pytest.mark.parametrize("workers", [0, 2])
def test_stored_grade_reasons_are_the_reasons_grading_the_stored_lead_gives(db: Session, workers: int) -> None:
    import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50, workers=workers, write_rejects=False))
    leads = db.scalars(select(LeadDB)).all()
    assert len(leads) > 200
    profile = load_profile()
    for lead in leads:
        fields = {column.name: getattr(lead, column.key) for column in LeadDB.__table__.columns}
        assert lead.grade_reasons == [r.as_dict() for r in grade_lead(fields, profile).reasons]
    json_type = "jsonb_typeof" if db.get_bind().dialect.name == "postgresql" else "json_type"
    stored = db.connection().exec_driver_sql(f"SELECT DISTINCT {json_type}(grade_reasons) FROM leads").scalars()
    assert stored.all() == ["array"]  # JSON written once: not a JSON string holding the array's text
