"""The worker's log: one line for a database it cannot reach or write, a traceback for anything else."""

import logging

from sqlalchemy.exc import DatabaseError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OneLineDatabaseErrors(logging.Formatter):
    """A database that went away, turned read-only or filled its disk is the operator's to fix, not a fault in the
    code: its error is the log line's end, and the stack (the same forty lines each round) is left out."""

    def format(self, record: logging.LogRecord) -> str:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DatabaseError):
            record = logging.makeLogRecord({**record.__dict__, "msg": f"{record.getMessage()}: database error: "
                                                                      f"{error.orig}", "args": (),
                                            "exc_info": None, "exc_text": None})
        return super().format(record)


def configure_logging() -> None:
    """Log INFO and above to standard error, database errors in one line."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineDatabaseErrors(LOG_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
