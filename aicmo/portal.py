"""One event loop, on a thread of its own, for synchronous callers of the async send engine.

The seed's synchronous API (`send_outreach_message`, `ChannelSequencer.execute_sequence`) and scripts call
`run_sync`: the coroutine runs on the loop every such call shares, started on first use and stopped when the
process exits, so no service starts an event loop of its own. anyio's blocking portal does the cross-thread work.
"""

import atexit
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TypeVar, TypeVarTuple

from anyio.from_thread import BlockingPortal, start_blocking_portal

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

_lock = threading.Lock()
_running: tuple[AbstractContextManager[BlockingPortal], BlockingPortal] | None = None


def run_sync(function: Callable[[*Ts], Awaitable[T]], *args: *Ts) -> T:
    """Await `function(*args)` on the shared loop and return its result; callable from any thread but the loop's."""
    return _portal().call(function, *args)


def _portal() -> BlockingPortal:
    global _running
    with _lock:
        if _running is None:
            manager = start_blocking_portal()
            _running = (manager, manager.__enter__())
            atexit.register(_stop)
        return _running[1]


def _stop() -> None:
    global _running
    with _lock:
        if _running is not None:
            manager, _ = _running
            _running = None
            manager.__exit__(None, None, None)
