"""What a unit test may not touch: a database, the network, another process.

`forbid_outside_world` replaces the doors out (socket connect and bind, subprocess, sqlite3 and SQLAlchemy
engines) with ones that raise, so a test placed in the unit tier that reaches for them fails at once, naming what it
reached for, instead of slowing the tier down quietly.
"""

import socket
import sqlite3
import subprocess
from collections.abc import Callable
from typing import Any, NoReturn

import psycopg
import pytest
import sqlalchemy


class OutsideWorldUsed(AssertionError):
    """A unit test reached a database, the network or another process."""


def _refuse(what: str) -> Callable[..., NoReturn]:
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        raise OutsideWorldUsed(f"a unit test may not use {what}; move the test to tests/integration")

    return refuse


DOORS: dict[tuple[Any, str], str] = {
    (socket.socket, "connect"): "the network (socket.connect)",
    (socket.socket, "connect_ex"): "the network (socket.connect_ex)",
    (socket.socket, "bind"): "the network (socket.bind)",
    (socket.socket, "sendto"): "the network (socket.sendto)",
    (socket, "create_connection"): "the network (socket.create_connection)",
    (subprocess.Popen, "__init__"): "another process (subprocess)",
    (sqlite3, "connect"): "a database (sqlite3.connect)",
    (sqlite3.dbapi2, "connect"): "a database (sqlite3.connect)",
    (psycopg, "connect"): "a database (psycopg.connect)",
    (psycopg.Connection, "connect"): "a database (psycopg.connect)",
    (sqlalchemy, "create_engine"): "a database (sqlalchemy.create_engine)",
    (sqlalchemy.engine, "create_engine"): "a database (sqlalchemy.create_engine)",
}


def forbid_outside_world(monkeypatch: pytest.MonkeyPatch) -> None:
    for (owner, name), what in DOORS.items():
        monkeypatch.setattr(owner, name, _refuse(what))
