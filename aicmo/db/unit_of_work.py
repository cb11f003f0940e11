"""Who commits.

An operator function (aicmo.operator_services) is one unit of work: it opens with the session it is given and
commits once, at its end; what it calls below never commits, so it all lands or none of it does. A long job makes
progress that must outlive a crash part-way — an import in batches, grading every lead, the send engine's claim
before a send and its record after, the inbox poller, webhook deliveries — and marks each durable step with
`checkpoint`. Nothing else commits: tests/unit/test_architecture.py keeps it so, and names the jobs.
"""

from sqlalchemy.orm import Session


def checkpoint(db: Session) -> None:
    """Make what the job has done so far durable: a crash after this point loses none of it."""
    db.commit()
