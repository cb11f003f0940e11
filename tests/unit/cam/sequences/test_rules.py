"""The sequencing rule as a table: every outcome and error kind at every position in a three-channel order."""

from datetime import timedelta

import pytest

from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.outreach.domain import ErrorKind, MessageStatus, SendStatus
from aicmo.cam.sequences.rules import Move, Progress, RetryPolicy, after_attempt, backoff, stop_reason

POLICY = RetryPolicy(base=timedelta(seconds=60), cap=timedelta(hours=1), max_retries=2)
HALF = lambda: 0.5  # noqa: E731  (a fixed "random" draw)

# (outcome, kind, position of 3, retries used) -> (move, next position, final status)
TABLE = [
    *[(SendStatus.SENT, None, i, 0, Move.FINISH, i, MessageStatus.SENT) for i in range(3)],
    *[(SendStatus.PENDING, None, i, 0, Move.FINISH, i, MessageStatus.SENT) for i in range(3)],
    *[(SendStatus.FAILED, ErrorKind.TRANSIENT, i, 0, Move.RETRY, i, None) for i in range(3)],
    *[(SendStatus.FAILED, ErrorKind.TRANSIENT, i, 1, Move.RETRY, i, None) for i in range(3)],
    (SendStatus.FAILED, ErrorKind.TRANSIENT, 0, 2, Move.NEXT_CHANNEL, 1, None),
    (SendStatus.FAILED, ErrorKind.TRANSIENT, 1, 2, Move.NEXT_CHANNEL, 2, None),
    (SendStatus.FAILED, ErrorKind.TRANSIENT, 2, 2, Move.FINISH, 2, MessageStatus.FAILED),
    (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, 0, 0, Move.NEXT_CHANNEL, 1, None),
    (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, 1, 0, Move.NEXT_CHANNEL, 2, None),
    (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, 2, 0, Move.FINISH, 2, MessageStatus.FAILED),
    *[(SendStatus.FAILED, ErrorKind.FATAL, i, r, Move.STOP_LEAD, i, MessageStatus.FAILED)
      for i in range(3) for r in (0, 2)],
    (SendStatus.SKIPPED, ErrorKind.CHANNEL_FAILED, 0, 0, Move.NEXT_CHANNEL, 1, None),
    (SendStatus.SKIPPED, ErrorKind.CHANNEL_FAILED, 1, 0, Move.NEXT_CHANNEL, 2, None),
]


@pytest.mark.parametrize(("outcome", "kind", "position", "retries", "move", "index", "status"), TABLE)
def test_the_sequencing_table(outcome: SendStatus, kind: ErrorKind | None, position: int, retries: int,
                              move: Move, index: int, status: MessageStatus | None) -> None:
    step = after_attempt(Progress(position, 3, retries, tried=True), outcome, kind, POLICY, HALF)
    assert (step.move, step.channel_index, step.status) == (move, index, status)


@pytest.mark.parametrize(("bounced", "tried", "last", "status"), [
    (True, True, SendStatus.FAILED, MessageStatus.BOUNCED),
    (False, True, SendStatus.FAILED, MessageStatus.FAILED),
    (False, True, SendStatus.SKIPPED, MessageStatus.FAILED),  # tried something earlier, then skipped the rest
    (False, False, SendStatus.SKIPPED, MessageStatus.SKIPPED),  # no channel could even be tried
])
def test_the_final_status_once_every_channel_is_used_up(bounced: bool, tried: bool, last: SendStatus,
                                                        status: MessageStatus) -> None:
    step = after_attempt(Progress(2, 3, bounced=bounced, tried=tried), last, ErrorKind.CHANNEL_FAILED, POLICY)
    assert (step.move, step.status) == (Move.FINISH, status)


def test_a_retry_waits_the_backoff_for_its_number() -> None:
    first = after_attempt(Progress(0, 3, 0), SendStatus.FAILED, ErrorKind.TRANSIENT, POLICY, HALF)
    second = after_attempt(Progress(0, 3, 1), SendStatus.FAILED, ErrorKind.TRANSIENT, POLICY, HALF)
    assert (first.delay, second.delay) == (timedelta(seconds=30), timedelta(seconds=60))


def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(seconds=100), max_retries=9)
    ceilings = [backoff(policy, n, lambda: 1.0) for n in range(1, 7)]
    assert ceilings == [timedelta(seconds=s) for s in (10, 20, 40, 80, 100, 100)]
    assert backoff(policy, 3, lambda: 0.0) == timedelta(0)
    assert backoff(policy, 3, lambda: 0.25) == timedelta(seconds=10)


def test_backoff_numbers_retries_from_one() -> None:
    with pytest.raises(ValueError):
        backoff(POLICY, 0)


def test_zero_retries_falls_back_at_once_on_a_transient_failure() -> None:
    no_retry = RetryPolicy(max_retries=0)
    step = after_attempt(Progress(0, 2, 0), SendStatus.FAILED, ErrorKind.TRANSIENT, no_retry)
    assert (step.move, step.channel_index) == (Move.NEXT_CHANNEL, 1)


@pytest.mark.parametrize("status", list(LeadStatus))
def test_which_lead_statuses_stop_a_sequence(status: LeadStatus) -> None:
    stops = status not in (LeadStatus.NEW, LeadStatus.CONTACTED)
    assert (stop_reason(status) is not None) == stops


@pytest.mark.parametrize(("position", "other_mailbox", "move", "following"), [
    (0, True, Move.OTHER_MAILBOX, 0), (2, True, Move.OTHER_MAILBOX, 2),
    (0, False, Move.NEXT_CHANNEL, 1), (1, False, Move.NEXT_CHANNEL, 2)])
def test_a_policy_refusal_tries_another_mailbox_else_the_next_channel_never_a_retry(
        position: int, other_mailbox: bool, move: Move, following: int) -> None:
    progress = Progress(position, 3, retries=0, tried=True, other_mailbox=other_mailbox)
    step = after_attempt(progress, SendStatus.FAILED, ErrorKind.MAILBOX_REFUSED, POLICY, HALF)
    assert (step.move, step.channel_index, step.delay) == (move, following, timedelta(0))


def test_a_policy_refusal_on_the_last_channel_with_no_other_mailbox_fails_the_message() -> None:
    step = after_attempt(Progress(2, 3, tried=True), SendStatus.FAILED, ErrorKind.MAILBOX_REFUSED, POLICY, HALF)
    assert (step.move, step.status) == (Move.FINISH, MessageStatus.FAILED)


@pytest.mark.parametrize("retries", [0, 2])
def test_a_send_in_doubt_is_neither_retried_nor_passed_to_the_next_channel(retries: int) -> None:
    step = after_attempt(Progress(0, 3, retries, tried=True), SendStatus.FAILED, ErrorKind.IN_DOUBT, POLICY)
    assert (step.move, step.status, step.channel_index) == (Move.FINISH, MessageStatus.IN_DOUBT, 0)
