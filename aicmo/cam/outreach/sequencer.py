"""The seed's public path for reaching one lead now: `ChannelSequencer().execute_sequence(msg, email, linkedin_id,
form_url)`. The work is the send engine's (aicmo.cam.engine.sequencer); this face wires the configured database and
channels when none are given and runs the async engine for synchronous callers on the shared loop (aicmo.portal).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.engine import sequencer as engine
from aicmo.cam.engine.sequencer import SequenceResult
from aicmo.cam.outreach.domain import Channel, OutreachMessage
from aicmo.cam.outreach.messages import DEFAULT_CHANNEL_ORDER
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.portal import run_sync
from aicmo.settings import Settings, get_settings

__all__ = ["ChannelSequencer", "SequenceResult"]


class ChannelSequencer(engine.ChannelSequencer):
    def __init__(self, registry: ChannelRegistry | None = None, *, sessions: sessionmaker[Session] | None = None,
                 order: Sequence[Channel] = DEFAULT_CHANNEL_ORDER, settings: Settings | None = None,
                 **options: Any) -> None:
        """Without arguments: the configured settings, database and every channel configured in them."""
        settings = settings or get_settings()
        if sessions is None:
            from aicmo.bootstrap import session_factory
            sessions = session_factory()
        if registry is None:
            from aicmo.cam.outreach.channels import build_registry
            registry = build_registry(sessions, settings)
        super().__init__(registry, sessions=sessions, order=order, settings=settings, **options)

    def execute_sequence(self, msg: OutreachMessage, email: str | None = None, linkedin_id: str | None = None,
                         form_url: str | None = None) -> SequenceResult:
        """Reach the lead through the channels in order; contact points given replace the stored ones."""
        return run_sync(self.aexecute_sequence, msg, email, linkedin_id, form_url)

