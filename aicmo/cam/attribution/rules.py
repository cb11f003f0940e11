"""Attribution models: how much of each outcome every touch before it earned. Plain functions over plain data.

A journey is one outcome (its weight: 1, or its value) and the touches that reached its lead before it, oldest
first, each labelled by what the report groups by (a channel, a step, a variant, a campaign). Every model hands
out exactly the weight of every journey; a journey without touches gives its weight to NO_TOUCH, so the credits
of every model add up to the outcomes' total.

- first / last touch: all to one touch.
- linear: equal shares.
- position-based: 40% first, 40% last, 20% shared by the touches between (one touch: all; two: half each).
- time decay: a touch's share halves with every half-life between it and the outcome.
- Markov removal effect: from every journey, converting or not, a first-order chain start → label → … → outcome
  or nothing; a label's removal effect is the share of outcomes lost when it is taken out (its transitions lead
  to nothing). Outcomes are shared in proportion to removal effects.
- Shapley value: the labels are players; a coalition is worth the outcomes of the journeys whose labels all
  belong to it. Exact, by enumerating coalitions (3 channels: 8). With this worth, each outcome is split equally
  among the distinct labels of its journey (Zhao et al. 2018, "simplified Shapley value").
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import combinations, pairwise
from math import factorial
from typing import NamedTuple

import numpy as np

NO_TOUCH = "(no touch)"
POSITION_ENDS = 0.4  # each end's share in the position-based model
ENUMERATED_PLAYERS = 10  # Shapley by enumeration up to this many labels (2^10 coalitions each)


class Model(StrEnum):
    FIRST = "first"
    LAST = "last"
    LINEAR = "linear"
    POSITION = "position"
    TIME_DECAY = "time_decay"
    MARKOV = "markov"
    SHAPLEY = "shapley"


class Touch(NamedTuple):  # a tuple: journeys of a million attempts are built from these
    label: str
    at: datetime


@dataclass(frozen=True)
class Journey:
    touches: tuple[Touch, ...]  # oldest first
    weight: float  # 1 for a count; the value for revenue; 0 for a journey that led to nothing (Markov reads it)
    at: datetime | None = None  # the outcome's time; time decay needs it


Credits = dict[str, float]


def _shares_first(touches: Sequence[Touch], _: Journey) -> list[float]:
    return [1.0] + [0.0] * (len(touches) - 1)


def _shares_last(touches: Sequence[Touch], _: Journey) -> list[float]:
    return [0.0] * (len(touches) - 1) + [1.0]


def _shares_linear(touches: Sequence[Touch], _: Journey) -> list[float]:
    return [1 / len(touches)] * len(touches)


def _shares_position(touches: Sequence[Touch], _: Journey) -> list[float]:
    n = len(touches)
    if n <= 2:
        return [1 / n] * n
    middle = (1 - 2 * POSITION_ENDS) / (n - 2)
    return [POSITION_ENDS] + [middle] * (n - 2) + [POSITION_ENDS]


def time_decay(half_life: timedelta) -> Callable[[Sequence[Touch], Journey], list[float]]:
    def shares(touches: Sequence[Touch], journey: Journey) -> list[float]:
        end = journey.at or touches[-1].at
        weights = [0.5 ** (max(0.0, (end - touch.at) / half_life)) for touch in touches]
        total = sum(weights)
        return [weight / total for weight in weights]
    return shares


def per_touch(journeys: Sequence[Journey], shares: Callable[[Sequence[Touch], Journey], list[float]]) -> Credits:
    """A rule-based model: each converting journey's weight split over its touches by `shares`."""
    credits: Credits = defaultdict(float)
    for journey in journeys:
        if journey.weight == 0:
            continue
        if not journey.touches:
            credits[NO_TOUCH] += journey.weight
            continue
        for touch, share in zip(journey.touches, shares(journey.touches, journey), strict=True):
            credits[touch.label] += journey.weight * share
    return dict(credits)


def _collapsed(touches: Sequence[Touch]) -> tuple[str, ...]:
    """Labels in order with repeats in a row merged: email, email, linkedin -> email, linkedin."""
    path: list[str] = []
    for touch in touches:
        if not path or path[-1] != touch.label:
            path.append(touch.label)
    return tuple(path)


def _conversion_probability(transitions: dict[str, Counter[str]], labels: list[str], removed: str | None) -> float:
    """P(reaching the outcome from the start) of the chain, with `removed`'s transitions sent to nothing."""
    states = [START, *labels]
    index = {state: i for i, state in enumerate(states)}
    size = len(states)
    q = np.zeros((size, size))
    r = np.zeros(size)
    for state, targets in transitions.items():
        if state == removed:
            continue
        total = sum(targets.values())
        for target, count in targets.items():
            if target == CONVERSION:
                r[index[state]] += count / total
            elif target in index and target != removed:
                q[index[state], index[target]] += count / total
    return float(np.linalg.solve(np.eye(size) - q, r)[0])


Transitions = Counter[tuple[str, str]]  # (from, to) -> how many journeys made that step; START and NOTHING included
START, NOTHING, CONVERSION = "(start)", "(null)", "(conversion)"


def idle_transitions(journeys: Sequence[Journey]) -> Transitions:
    """The steps of journeys that led to nothing, counted: what `markov` takes pre-counted for large scopes."""
    counted: Transitions = Counter()
    for journey in journeys:
        if journey.touches and not journey.weight:
            counted.update(pairwise((START, *_collapsed(journey.touches), NOTHING)))
    return counted


def markov(journeys: Sequence[Journey], idle: Transitions | None = None) -> Credits:
    """Outcomes shared by each label's removal effect in a first-order chain over every journey; `idle` adds the
    steps of journeys that led to nothing, counted beforehand (a database can count millions without a row each)."""
    transitions: dict[str, Counter[str]] = defaultdict(Counter)
    for (before, after), count in (idle or Counter()).items():
        transitions[before][after] += count
    converted, credits = 0.0, defaultdict[str, float](float)
    for journey in journeys:
        if not journey.touches:
            if journey.weight:
                credits[NO_TOUCH] += journey.weight
            continue
        path = (START, *_collapsed(journey.touches), CONVERSION if journey.weight else NOTHING)
        for before, after in pairwise(path):
            transitions[before][after] += 1
        converted += journey.weight
    labels = sorted({label for targets in transitions.values() for label in targets} - {CONVERSION, NOTHING})
    if not converted or not labels:
        return dict(credits)
    base = _conversion_probability(transitions, labels, None)
    effects = {label: max(0.0, 1 - _conversion_probability(transitions, labels, label) / base) for label in labels}
    total_effect = sum(effects.values())
    for label, effect in effects.items():
        credits[label] += converted * effect / total_effect
    return dict(credits)


def shapley(journeys: Sequence[Journey]) -> Credits:
    """Exact Shapley values of the labels, a coalition worth the outcomes of journeys inside it."""
    worth_by_set: defaultdict[frozenset[str], float] = defaultdict(float)
    credits: Credits = defaultdict(float)
    for journey in journeys:
        if not journey.weight:
            continue
        if not journey.touches:
            credits[NO_TOUCH] += journey.weight
        else:
            worth_by_set[frozenset(touch.label for touch in journey.touches)] += journey.weight
    players = sorted(set().union(*worth_by_set)) if worth_by_set else []
    n = len(players)
    if n > ENUMERATED_PLAYERS:
        # The worth is a sum of unanimity games (one per set of labels), so each set's outcomes split equally
        # among its labels: the same values, without 2^n coalitions.
        for labels, value in worth_by_set.items():
            for label in labels:
                credits[label] += value / len(labels)
        return dict(credits)

    def worth(coalition: frozenset[str]) -> float:
        return sum(value for labels, value in worth_by_set.items() if labels <= coalition)

    for player in players:
        others = [p for p in players if p != player]
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for members in combinations(others, size):
                coalition = frozenset(members)
                credits[player] += weight * (worth(coalition | {player}) - worth(coalition))
    return dict(credits)


def attribute(journeys: Sequence[Journey], model: Model, *, half_life: timedelta = timedelta(days=7),
              idle: Transitions | None = None) -> Credits:
    """Each label's credit under the model; the credits add up to the converting journeys' total weight. `idle`:
    the journeys that led to nothing, as counted steps (only the Markov model reads them)."""
    rule_based = {Model.FIRST: _shares_first, Model.LAST: _shares_last, Model.LINEAR: _shares_linear,
                  Model.POSITION: _shares_position, Model.TIME_DECAY: time_decay(half_life)}
    if model in rule_based:
        return per_touch(journeys, rule_based[model])
    return markov(journeys, idle) if model is Model.MARKOV else shapley(journeys)
