"""The experiment winner rule against synthetic campaigns of known true rates, looked at every simulated day.

    python bench/experiments.py [--experiments 1000] [--daily 100] [--seed 17]

Each simulated experiment has two variants; every day each variant is sent to `--daily` leads and each lead reaches
the goal with its variant's true rate (binomial draws, numpy, seeded). After every day the worker's own rule,
`aicmo.cam.experiments.rules.decide` with the default `WinnerRule`, is asked for a winner, carrying its running
always-valid p-values from day to day exactly as the worker stores them. A winner ends the experiment.

A/A   both variants at 5%, run to the sample the tool says it needs for the default uplift (5% → 6.5%): any winner
      is a false winner. Must stay at or under 5%.
A/B   5% against 6.5%, run to that same sample: the share of experiments that declare 6.5% the winner by then.
      Must be at least 80%.
Channel order   bench/channel_order.py's campaigns (as many as --experiments): the learned channel order's
      regret against the best fixed order and a random one, in positive outcomes per 1,000 leads.

Each section returns its detail lines and its one result line; main prints every section's details, then the
result lines in section order, so they are the output's last lines and more sections can follow.
"""

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import channel_order  # bench/channel_order.py, beside this file
import numpy as np

from aicmo.cam.experiments.rules import Arm, WinnerRule, decide, sample_needed


@dataclass(frozen=True)
class Outcome:
    details: list[str]
    result: str  # the section's last line, e.g. "A/A false winner rate: 0.0200"


Section = Callable[[argparse.Namespace], Outcome]
BASE_RATE, BETTER_RATE = 0.05, 0.065


def simulate(rates: tuple[float, float], *, experiments: int, daily: int, days: int, rule: WinnerRule,
             rng: np.random.Generator) -> dict[str | None, int]:
    """How many experiments ended with each winner (None: no winner by the last day)."""
    goals = np.cumsum(rng.binomial(daily, rates, size=(experiments, days, 2)), axis=1)
    winners: dict[str | None, int] = {}
    for e in range(experiments):
        winner, p_values = None, {}
        for day in range(days):
            sent = daily * (day + 1)
            arms = [Arm("A", sent, int(goals[e, day, 0])), Arm("B", sent, int(goals[e, day, 1]))]
            decision = decide(arms, rule, p_values)
            p_values = decision.p_values
            if decision.winner is not None:
                winner = decision.winner
                break
        winners[winner] = winners.get(winner, 0) + 1
    return winners


def _days(args: argparse.Namespace, rule: WinnerRule) -> tuple[int, int]:
    needed = sample_needed(rule.expected_rate, rule.mde, alpha=rule.alpha, tau=rule.tau, power=rule.power)
    return needed, math.ceil(needed / args.daily)


def aa_section(args: argparse.Namespace) -> Outcome:
    """Both variants equal: the share of experiments that still declare a winner."""
    rule = WinnerRule()
    needed, days = _days(args, rule)
    winners = simulate((BASE_RATE, BASE_RATE), experiments=args.experiments, daily=args.daily, days=days,
                       rule=rule, rng=np.random.default_rng(args.seed))
    false = args.experiments - winners.get(None, 0)
    return Outcome([f"A/A: {args.experiments} experiments, {BASE_RATE:.1%} both, {args.daily} sends a variant a "
                    f"day, looked at daily for {days} days ({needed} sends a variant): {false} declared a winner"],
                   f"A/A false winner rate: {false / args.experiments:.4f}")


def ab_section(args: argparse.Namespace) -> Outcome:
    """5% against 6.5% at the sample the tool asks for: the share that finds the better variant."""
    rule = WinnerRule()
    needed, days = _days(args, rule)
    winners = simulate((BASE_RATE, BETTER_RATE), experiments=args.experiments, daily=args.daily, days=days,
                       rule=rule, rng=np.random.default_rng(args.seed + 1))
    found, wrong = winners.get("B", 0), winners.get("A", 0)
    return Outcome([f"A/B: {args.experiments} experiments, {BASE_RATE:.1%} against {BETTER_RATE:.1%}, stopped at "
                    f"{needed} sends a variant (the sample needed): {found} found B, {wrong} chose A"],
                   f"A/B detection rate: {found / args.experiments:.4f}")


def channel_order_section(args: argparse.Namespace) -> Outcome:
    """The learned channel order against the best fixed order and a random one."""
    lines = channel_order.report(campaigns=args.experiments, seed=args.seed)
    return Outcome(lines[:-1], lines[-1])


SECTIONS: list[Section] = [aa_section, ab_section, channel_order_section]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiments", type=int, default=1000)
    parser.add_argument("--daily", type=int, default=100, help="sends per variant per simulated day")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    started = time.perf_counter()
    outcomes = [section(args) for section in SECTIONS]
    for outcome in outcomes:
        for line in outcome.details:
            print(line)
    print(f"({time.perf_counter() - started:.1f} s)")
    for outcome in outcomes:
        print(outcome.result)


if __name__ == "__main__":
    main()
