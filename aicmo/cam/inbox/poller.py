"""Reading each sender mailbox's inbox: new mail since the last UID seen, classified and applied one by one.

Every message is applied in its own transaction together with the folder's new high-water UID, so a crash
re-reads at most the message in hand, and applying it again is recognised and skipped. Mail is never deleted;
only bounces we tied to one of our messages are moved, and only when the mailbox names a bounce folder.
"""

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.inbox.classify import classify
from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.imap import FetchedMessage, ImapSettings, InboxError, InboxReader
from aicmo.cam.inbox.models import InboxStateDB
from aicmo.cam.outreach.email.store import MailboxSecretUnreadable, unreadable_secrets
from aicmo.cam.outreach.models import MailboxDB
from aicmo.clock import Clock, SystemClock
from aicmo.db.unit_of_work import checkpoint
from aicmo.errors import AicmoError
from aicmo.settings import Settings

log = logging.getLogger("aicmo.inbox")
FETCH_BATCH = 100


@dataclass
class PollResult:
    mailbox: str
    read: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    moved: int = 0
    error: str | None = None


class MailboxNotPollable(AicmoError):
    pass


def pollable_mailboxes(db: Session) -> list[str]:
    return list(db.scalars(select(MailboxDB.name).where(MailboxDB.enabled.is_(True), MailboxDB.imap_host.is_not(None))
                           .order_by(MailboxDB.id)))


def poll_mailbox(sessions: sessionmaker[Session], name: str, settings: Settings, *,
                 clock: Clock | None = None) -> PollResult:
    """Read one mailbox's new mail and apply it; connection problems end up in the result, not raised."""
    clock = clock or SystemClock()
    with sessions() as db:
        mailbox = db.scalar(select(MailboxDB).where(MailboxDB.name == name))
        if mailbox is None:
            raise MailboxNotPollable(f"no mailbox named {name!r}")
        imap = ImapSettings.for_mailbox(mailbox, settings.smtp_timeout)
        if imap is None:
            raise MailboxNotPollable(f"mailbox {name!r} has no IMAP server set (imap_host)")
        mailbox_id, bounce_folder = mailbox.id, mailbox.bounce_folder
        login_secret = "imap_password" if mailbox.imap_password else "smtp_password"
        unreadable = [login_secret] if login_secret in unreadable_secrets(mailbox) else []
    result = PollResult(name)
    if unreadable:  # logging in with a token would only be refused: say what to fix instead
        result.error = str(MailboxSecretUnreadable(name, unreadable))
        _note_poll(sessions, mailbox_id, imap.folder, clock.now(), result.error)
        return result
    try:
        with InboxReader(imap) as reader:
            _read_new(sessions, reader, mailbox_id, imap.folder, settings, clock, result, bounce_folder)
    except InboxError as exc:
        result.error = str(exc)
    _note_poll(sessions, mailbox_id, imap.folder, clock.now(), result.error)
    log.info("inbox mailbox=%s read=%d kinds=%s moved=%d error=%s", name, result.read, dict(result.kinds),
             result.moved, result.error)
    return result


def poll_all(sessions: sessionmaker[Session], settings: Settings, *, clock: Clock | None = None) -> list[PollResult]:
    with sessions() as db:
        names = pollable_mailboxes(db)
    return [poll_mailbox(sessions, name, settings, clock=clock) for name in names]


def _read_new(sessions: sessionmaker[Session], reader: InboxReader, mailbox_id: int, folder: str,
              settings: Settings, clock: Clock, result: PollResult, bounce_folder: str | None) -> None:
    validity = reader.uidvalidity
    with sessions() as db:
        state = _state(db, mailbox_id, folder)
        if state.uidvalidity != validity:
            # UIDs of an older UIDVALIDITY mean nothing now: read the folder again; what was applied is skipped.
            state.uidvalidity, state.last_uid = validity, 0
        last_uid = state.last_uid
        checkpoint(db)
    ours_bounced: list[int] = []
    while batch := reader.fetch_since(last_uid, limit=FETCH_BATCH):
        for fetched in batch:
            kind = _apply_one(sessions, fetched, Origin("imap", mailbox_id, folder, validity, fetched.uid), settings,
                              clock.now())
            last_uid = fetched.uid
            if kind is None:
                continue
            result.read += 1
            result.kinds[kind.value] += 1
            if kind is InboundKind.BOUNCE:
                ours_bounced.append(fetched.uid)
    if bounce_folder and ours_bounced:
        reader.move(ours_bounced, bounce_folder)
        result.moved = len(ours_bounced)


def _apply_one(sessions: sessionmaker[Session], fetched: FetchedMessage, origin: Origin, settings: Settings,
               now: datetime) -> InboundKind | None:
    """Classify and apply one message, moving the folder's high-water mark in the same transaction; None when
    another poller of the same mailbox got there first."""
    event = classify(fetched.raw)
    mailbox_id, folder = origin.mailbox_id or 0, origin.folder or "INBOX"
    with sessions() as db:
        # The state row's lock makes two pollers of one mailbox take its messages one after the other.
        if _state(db, mailbox_id, folder).last_uid >= fetched.uid:
            return None
        try:
            record = apply(db, event, origin, settings, now)
            kind = record.kind if record is not None else InboundKind.UNMATCHED
            _state(db, mailbox_id, folder).last_uid = fetched.uid
            checkpoint(db)
            return kind
        except IntegrityError:
            db.rollback()
            return None
        except Exception as exc:  # one malformed or surprising message must not block the mailbox forever
            db.rollback()
            log.exception("inbox: could not apply uid=%s of mailbox %s", fetched.uid, mailbox_id)
            failed = InboundEvent(InboundKind.UNMATCHED, rfc_message_id=event.rfc_message_id,
                                  detail=f"could not be applied: {type(exc).__name__}: {exc}")
            apply(db, failed, origin, settings, now)
            _state(db, mailbox_id, folder).last_uid = fetched.uid
            checkpoint(db)
            return InboundKind.UNMATCHED


def _state(db: Session, mailbox_id: int, folder: str) -> InboxStateDB:
    state = db.get(InboxStateDB, (mailbox_id, folder), with_for_update=True)
    if state is None:
        state = InboxStateDB(mailbox_id=mailbox_id, folder=folder, last_uid=0)
        db.add(state)
    return state


def _note_poll(sessions: sessionmaker[Session], mailbox_id: int, folder: str, now: datetime,
               error: str | None) -> None:
    with sessions() as db:
        state = _state(db, mailbox_id, folder)
        state.last_polled_at, state.last_error = now, error
        checkpoint(db)


class PeriodicPoll:
    """Polls every mailbox at an interval in a thread beside the worker's sends, one poll at a time."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, *, interval: float,
                 clock: Clock | None = None) -> None:
        self.sessions, self.settings, self.interval, self.clock = sessions, settings, interval, clock
        self._next = 0.0
        self._task: asyncio.Task[list[PollResult]] | None = None

    def maybe_start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.interval
        self._task = asyncio.create_task(asyncio.to_thread(poll_all, self.sessions, self.settings, clock=self.clock))

    async def finish(self) -> None:
        if self._task is not None:
            try:
                await self._task
            except Exception:  # a failed poll is logged; the worker's own work is done
                log.exception("inbox poll failed")
