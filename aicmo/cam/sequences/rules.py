"""What happens after each attempt: retry the channel, fall back to the next, finish, or stop reaching the lead."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.outreach.domain import ErrorKind, MessageStatus, SendStatus
from aicmo.retry import RetryPolicy as RetryPolicy  # the rules below apply it; aicmo.retry is its home
from aicmo.retry import backoff as backoff

# A lead in one of these states is never contacted again by a sequence.
STOPPING_STATUSES = frozenset({LeadStatus.REPLIED, LeadStatus.INTERESTED, LeadStatus.MEETING, LeadStatus.WON,
                               LeadStatus.LOST, LeadStatus.UNSUBSCRIBED, LeadStatus.DO_NOT_CONTACT})
# The lead answered: with stop_company_on_reply, nobody else at its company is contacted either.
REPLY_STATUSES = frozenset({LeadStatus.REPLIED, LeadStatus.INTERESTED, LeadStatus.MEETING, LeadStatus.WON})


class Move(StrEnum):
    FINISH = "finish"  # the message reached a final status
    RETRY = "retry"  # try the same channel again after `delay`
    NEXT_CHANNEL = "next_channel"  # try channel_index now
    OTHER_MAILBOX = "other_mailbox"  # try the same channel now from a sender mailbox that has not refused it
    STOP_LEAD = "stop_lead"  # final, and every other message to this lead is cancelled


@dataclass(frozen=True)
class Next:
    move: Move
    channel_index: int
    status: MessageStatus | None = None
    delay: timedelta = timedelta(0)


@dataclass(frozen=True)
class Progress:
    """Where a message stands in its fallback order."""

    channel_index: int
    channel_count: int
    retries: int = 0  # retries already made on the current channel
    bounced: bool = False  # some channel hard-bounced on the way
    tried: bool = False  # some channel was actually tried (not only skipped)
    other_mailbox: bool = False  # a sender mailbox that has not refused the message is available


def after_attempt(progress: Progress, outcome: SendStatus, kind: ErrorKind | None, policy: RetryPolicy,
                  rand: Callable[[], float] = random.random) -> Next:
    """The sequencing rule: the spec's fallback semantics as one function."""
    if outcome in (SendStatus.SENT, SendStatus.PENDING):
        return Next(Move.FINISH, progress.channel_index, MessageStatus.SENT)
    if outcome is SendStatus.FAILED and kind is ErrorKind.IN_DOUBT:
        return Next(Move.FINISH, progress.channel_index, MessageStatus.IN_DOUBT)
    if outcome is SendStatus.FAILED and kind is ErrorKind.FATAL:
        return Next(Move.STOP_LEAD, progress.channel_index, MessageStatus.FAILED)
    if outcome is SendStatus.FAILED and kind is ErrorKind.TRANSIENT and progress.retries < policy.max_retries:
        return Next(Move.RETRY, progress.channel_index, delay=backoff(policy, progress.retries + 1, rand))
    if outcome is SendStatus.FAILED and kind is ErrorKind.MAILBOX_REFUSED and progress.other_mailbox:
        return Next(Move.OTHER_MAILBOX, progress.channel_index)
    # A skip, a channel failure, a policy refusal by every mailbox, or the retries used up: fall back.
    following = progress.channel_index + 1
    if following < progress.channel_count:
        return Next(Move.NEXT_CHANNEL, following)
    return Next(Move.FINISH, progress.channel_index, exhausted_status(progress, outcome))


def exhausted_status(progress: Progress, last: SendStatus) -> MessageStatus:
    """The final status once no channel is left."""
    if progress.bounced:
        return MessageStatus.BOUNCED
    if not progress.tried and last is SendStatus.SKIPPED:
        return MessageStatus.SKIPPED
    return MessageStatus.FAILED


def stop_reason(lead_status: LeadStatus) -> str | None:
    """Why a sequence must not touch this lead any more, or None."""
    if lead_status in STOPPING_STATUSES:
        return f"the lead's status is {lead_status.value}"
    return None
