"""Regret of the learned channel order against the best fixed order and against a random one, in simulation.

    python bench/channel_order.py [--campaigns 1000] [--leads 2000] [--batch 100] [--seed 17]

Each simulated campaign has three channels (six orders) and three segments of leads (grades A, B, C, in shares
drawn per campaign). Every segment has a true chance of a positive outcome per order: a base rate between 2% and
8%, one best order (a different one in each segment) 30% to 80% above it, the others 40% to 100% of it. Leads
arrive in batches (a day's enrolment); each batch's orders are drawn by the product's own decision code
(aicmo.cam.channel_order.rules.choose_many, Thompson sampling over Beta posteriors per segment), and a batch's
outcomes are known only two batches later, as replies and meetings take days to come in.

Regret is counted in expected positive outcomes (the true rates of the orders given), per 1,000 leads, averaged
over the campaigns, against: the best single order for all segments chosen in hindsight (what a careful person
would fix after reading the results), a uniformly random order, and the best order per segment (the oracle the
bandit tries to approach). Negative regret means the learned order brought more. `report()` returns the lines;
the last reads `channel-order regret vs best fixed: <x>` (positive outcomes lost per 1,000 leads).
"""

import argparse
import itertools
import time
from dataclasses import dataclass

import numpy as np

from aicmo.cam.channel_order.rules import Arm, choose_many
from aicmo.cam.outreach.domain import Channel

ORDERS = list(itertools.permutations((Channel.EMAIL, Channel.LINKEDIN, Channel.CONTACT_FORM)))
SEGMENTS = 3
FEEDBACK_LAG = 2  # batches before a batch's outcomes are known


@dataclass
class Totals:
    """Expected positives per policy, summed over campaigns."""

    learned: float = 0.0
    fixed: float = 0.0
    random: float = 0.0
    oracle: float = 0.0
    leads: int = 0


def true_rates(rng: np.random.Generator) -> np.ndarray:
    """Per segment and order, the chance of a positive outcome; the best order differs between segments."""
    rates = np.empty((SEGMENTS, len(ORDERS)))
    best = rng.choice(len(ORDERS), size=SEGMENTS, replace=False)
    for segment in range(SEGMENTS):
        base = rng.uniform(0.02, 0.08)
        rates[segment] = base * rng.uniform(0.4, 1.0, size=len(ORDERS))
        rates[segment, best[segment]] = base * rng.uniform(1.3, 1.8)
    return rates


Batch = list[tuple[int, np.ndarray, np.ndarray]]  # per segment: the orders given and whether each was positive


def simulate(rng: np.random.Generator, leads: int, batch: int) -> tuple[float, float, float, float]:
    """One campaign: expected positives of the learned order, the best fixed, a random order and the oracle."""
    rates = true_rates(rng)
    segment_of_lead = rng.choice(SEGMENTS, size=leads, p=rng.dirichlet(np.full(SEGMENTS, 4.0)))
    settled = np.zeros((SEGMENTS, len(ORDERS)), dtype=int)  # leads whose outcome is known
    positive = np.zeros((SEGMENTS, len(ORDERS)), dtype=int)
    pending: list[Batch] = []
    learned = 0.0
    for start in range(0, leads, batch):
        segments = segment_of_lead[start:start + batch]
        arrived: Batch = []
        for segment in range(SEGMENTS):
            count = int(np.count_nonzero(segments == segment))
            if not count:
                continue
            arms = [Arm(order, int(settled[segment, i]), int(positive[segment, i])) for i, order in enumerate(ORDERS)]
            chosen = np.array(choose_many(arms, count, rng))
            chance = rates[segment, chosen]
            learned += float(chance.sum())
            arrived.append((segment, chosen, rng.random(count) < chance))
        pending.append(arrived)
        if len(pending) > FEEDBACK_LAG:
            for segment, chosen, outcomes in pending.pop(0):
                np.add.at(settled[segment], chosen, 1)
                np.add.at(positive[segment], chosen[outcomes], 1)
    counts = np.bincount(segment_of_lead, minlength=SEGMENTS)
    return (learned, float((counts @ rates).max()), float(counts @ rates.mean(axis=1)),
            float(counts @ rates.max(axis=1)))


def report(campaigns: int = 1000, leads: int = 2000, batch: int = 100, seed: int = 17) -> list[str]:
    """Simulate the campaigns and return the lines to print; the last is the regret against the best fixed order."""
    rng = np.random.default_rng(seed)
    totals, started = Totals(), time.perf_counter()
    per_campaign = []
    for _ in range(campaigns):
        learned, fixed, uniform, oracle = simulate(rng, leads, batch)
        totals.learned += learned
        totals.fixed += fixed
        totals.random += uniform
        totals.oracle += oracle
        totals.leads += leads
        per_campaign.append((fixed - learned) / leads * 1000)

    def per_1000(value: float) -> float:
        return value / totals.leads * 1000

    spread = 1.96 * float(np.std(per_campaign)) / np.sqrt(campaigns)
    vs_fixed = per_1000(totals.fixed - totals.learned)
    return [
        f"channel order: {campaigns} simulated campaigns of {leads} leads (batches of {batch}, outcomes known "
        f"{FEEDBACK_LAG} batches later), {SEGMENTS} segments, {len(ORDERS)} orders; "
        f"{time.perf_counter() - started:.1f} s",
        f"positive outcomes per 1,000 leads: learned {per_1000(totals.learned):.2f}, best fixed "
        f"{per_1000(totals.fixed):.2f}, uniform random {per_1000(totals.random):.2f}, best per segment "
        f"{per_1000(totals.oracle):.2f}",
        f"channel-order regret vs best per segment: {per_1000(totals.oracle - totals.learned):.2f}",
        f"channel-order regret vs uniform random: {per_1000(totals.random - totals.learned):.2f}",
        f"(regret: positive outcomes lost per 1,000 leads, negative when the learned order brought more; "
        f"vs best fixed ±{spread:.2f} at 95%)",
        f"channel-order regret vs best fixed: {vs_fixed:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=17)
    options = parser.parse_args()
    for line in report(options.campaigns, options.leads, options.batch, options.seed):
        print(line)


if __name__ == "__main__":
    main()
