"""Which channel order a new lead gets: Thompson sampling over the orders a campaign allows, one bandit per segment.

Each order's chance of a positive outcome has a Beta(1 + positives, 1 + failures) posterior (a uniform prior);
a new lead gets the order whose posterior draw is highest, so an order is chosen as often as it is likely to be
the best. Only the order of a step's own channels changes: what each step may use, and the fallback from one
channel to the next, stay as the campaign defines them.
"""

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from aicmo.cam.outreach.domain import Channel

Order = tuple[Channel, ...]
# Lead attributes a segment can be drawn from: the grade, and the fields the ideal-customer profile scores.
SEGMENT_ATTRIBUTES = ("grade", "seniority", "department", "industry", "country")
UNKNOWN_SEGMENT = "unknown"
BEST_DRAWS = 20_000  # posterior draws behind "probability to be best": ±0.005 at worst


@dataclass(frozen=True)
class Arm:
    """What one order has shown in one segment: leads whose result is known, and how many of them were positive."""

    order: Order
    leads: int = 0
    positives: int = 0

    @property
    def failures(self) -> int:
        return max(self.leads - self.positives, 0)


def campaign_channels(step_channels: Iterable[Sequence[Channel]]) -> Order:
    """Every channel the campaign's steps use, in the order they first appear."""
    return tuple(dict.fromkeys(channel for channels in step_channels for channel in channels))


def candidate_orders(channels: Sequence[Channel], allowed: Sequence[Sequence[Channel]] = ()) -> list[Order]:
    """The orders to learn between: those allowed if listed, else every order of the channels (theirs first)."""
    if allowed:
        return list(dict.fromkeys(tuple(order) for order in allowed))
    return list(itertools.permutations(channels))


def order_problem(order: Sequence[Channel], channels: Sequence[Channel]) -> str | None:
    """Why an order cannot be one of the campaign's: a channel twice, one it does not use, or one left out."""
    if len(set(order)) != len(order):
        return "a channel appears twice"
    extra = [channel.value for channel in order if channel not in channels]
    if extra:
        return f"the campaign's steps do not use {', '.join(extra)}"
    missing = [channel.value for channel in channels if channel not in order]
    if missing:
        return f"leaves out {', '.join(missing)}, which the campaign's steps use"
    return None


def applied(order: Sequence[Channel], step_channels: Sequence[Channel]) -> list[Channel]:
    """A step's own channels, tried in the order chosen for the lead (channels the order lacks keep their place
    after it)."""
    rank = {channel: index for index, channel in enumerate(order)}
    return sorted(step_channels, key=lambda channel: rank.get(channel, len(rank) + step_channels.index(channel)))


def segment_of(attribute: str, value: object) -> str:
    """The segment a lead falls in by one attribute's value; leads without one share the unknown segment."""
    if attribute not in SEGMENT_ATTRIBUTES:
        raise ValueError(f"unknown segment attribute {attribute!r}; use one of {', '.join(SEGMENT_ATTRIBUTES)}")
    text = str(value).strip().lower() if value is not None else ""
    if attribute == "grade":
        text = text.upper()
    return text[:200] or UNKNOWN_SEGMENT


def seed_for(*parts: object) -> int:
    """A stable seed from the parts (a campaign and a lead): the same evidence gives the same choice again."""
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")


def posterior_draws(arms: Sequence[Arm], count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` draws of every arm's positive rate from its Beta posterior, shape (count, arms)."""
    successes = np.array([arm.positives for arm in arms], dtype=float)
    failures = np.array([arm.failures for arm in arms], dtype=float)
    return rng.beta(1.0 + successes, 1.0 + failures, size=(count, len(arms)))


def choose_many(arms: Sequence[Arm], count: int, rng: np.random.Generator) -> list[int]:
    """Thompson sampling for `count` new leads at once: for each, the index of the arm whose draw is highest."""
    if not arms:
        raise ValueError("there is no channel order to choose from")
    return [int(index) for index in np.argmax(posterior_draws(arms, count, rng), axis=1)]


def choose(arms: Sequence[Arm], rng: np.random.Generator) -> Order:
    """The order for one new lead."""
    return arms[choose_many(arms, 1, rng)[0]].order


def probability_best(arms: Sequence[Arm], *, draws: int = BEST_DRAWS, seed: int = 0) -> list[float]:
    """Each arm's posterior probability of having the highest positive rate; they sum to 1."""
    if not arms:
        return []
    winners = np.argmax(posterior_draws(arms, draws, np.random.default_rng(seed)), axis=1)
    return [float(share) for share in np.bincount(winners, minlength=len(arms)) / draws]


def order_label(order: Sequence[Channel]) -> str:
    return " → ".join(channel.value for channel in order)
