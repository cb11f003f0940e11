"""Lead files uploaded through the dashboard, imported in a background thread the page follows until it is done."""

import logging
import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.importer import ImportOptions, ImportReport
from aicmo.errors import AicmoError

log = logging.getLogger("aicmo.web.dashboard")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass
class ImportJob:
    id: str
    file_name: str
    batch_size: int
    state: str = "running"  # running, done or failed
    batches: int = 0  # committed so far
    bytes_read: int = 0
    bytes_total: int = 0
    report: ImportReport | None = None
    error: str | None = None

    def progress(self, done: int, total: int) -> None:
        """The importer's callback, once per committed batch."""
        self.batches += 1
        self.bytes_read, self.bytes_total = done, total

    @property
    def rows_read(self) -> int:
        """Rows read so far: every batch but the last is full, and the report has the exact count at the end."""
        return self.report.rows_read if self.report else self.batches * self.batch_size

    @property
    def percent(self) -> int:
        if self.state != "running":
            return 100
        return min(99, 100 * self.bytes_read // self.bytes_total) if self.bytes_total else 0


def safe_name(name: str | None) -> str:
    """The uploaded file's own name (it becomes the leads' source), without any path or odd characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]  # a Windows browser may send the whole path
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned[:100] or "upload.csv"


class ImportJobs:
    """The imports this process started, the latest few kept for their pages."""

    KEEP = 20

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, ImportJob] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, job_id: str) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, sessions: sessionmaker[Session], upload: BinaryIO, file_name: str,
              options: ImportOptions) -> ImportJob:
        """Save the upload to a private directory and import it in a thread of its own."""
        folder = Path(tempfile.mkdtemp(prefix="aicmo-upload-"))
        path = folder / safe_name(file_name)
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out)
        job = ImportJob(id=secrets.token_urlsafe(9), file_name=path.name, batch_size=options.batch_size)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.KEEP:
                self._jobs.popitem(last=False)
        threading.Thread(target=self._run, args=(job, sessions, path, options), name=f"import-{job.id}",
                         daemon=True).start()
        return job

    @staticmethod
    def _run(job: ImportJob, sessions: sessionmaker[Session], path: Path, options: ImportOptions) -> None:
        try:
            with sessions() as db:
                job.report = ops.import_leads(db, path, options, progress=job.progress)
            job.state = "done"
        except AicmoError as exc:  # not a lead file, or an unreadable one
            job.error, job.state = str(exc), "failed"
        except Exception as exc:  # the page must say it stopped rather than spin for ever
            log.exception("import %s of %s failed", job.id, job.file_name)
            job.error, job.state = f"the import stopped: {type(exc).__name__}: {exc}", "failed"
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
