"""The worker logs a database it cannot write in one line, and anything else with its traceback."""

import logging
import sqlite3
import sys

from sqlalchemy.exc import OperationalError

from aicmo.cam.worker.logs import OneLineDatabaseErrors


def record_of(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.LogRecord("aicmo.webhooks", logging.ERROR, __file__, 1, "delivery round %s failed", ("7",),
                                 sys.exc_info())


def test_a_database_error_is_the_end_of_its_one_log_line() -> None:
    unwritable = OperationalError("DELETE FROM webhook_deliveries", {}, sqlite3.OperationalError(
        "attempt to write a readonly database"))

    line = OneLineDatabaseErrors("%(levelname)s %(name)s %(message)s").format(record_of(unwritable))

    assert line == ("ERROR aicmo.webhooks delivery round 7 failed: database error: "
                    "attempt to write a readonly database")


def test_any_other_error_keeps_its_traceback() -> None:
    line = OneLineDatabaseErrors("%(message)s").format(record_of(KeyError("mailbox")))

    assert line.startswith("delivery round 7 failed\nTraceback (most recent call last):")
    assert line.endswith("KeyError: 'mailbox'")
