"""Experiment statistics from per-variant counts: Beta-Binomial posteriors (closed forms and numerical integration
with scipy), an always-valid sequential test (mixture SPRT), the sample a test needs, and the winner rule.

Plain code: no database, no network. The worker's review and bench/experiments.py call the same functions.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# scipy is imported in the functions that use it: loading it takes a second, which every `aicmo` command
# would otherwise pay.

PRIOR_SUCCESSES, PRIOR_FAILURES = 1.0, 1.0  # Beta(1, 1): every rate equally likely before any send
GRID_POINTS = 801  # per variant; the grids are joined, so each posterior is resolved wherever its mass is
TAIL = 1e-10  # mass left outside each variant's grid
CREDIBLE = 0.95


class InvalidCounts(ValueError):
    """Counts that are not a binomial sample (negative, or more goals than sends)."""


@dataclass(frozen=True)
class Arm:
    """One variant's evidence: leads it reached and, of those, leads that reached the goal."""

    name: str
    trials: int
    successes: int

    def __post_init__(self) -> None:
        if self.trials < 0 or self.successes < 0 or self.successes > self.trials:
            raise InvalidCounts(f"variant {self.name!r}: {self.successes} goals out of {self.trials} sends")

    @property
    def alpha(self) -> float:
        return PRIOR_SUCCESSES + self.successes

    @property
    def beta(self) -> float:
        return PRIOR_FAILURES + self.trials - self.successes

    @property
    def mean(self) -> float:
        """The posterior mean rate."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def observed(self) -> float:
        return self.successes / self.trials if self.trials else 0.0


def rate_interval(arm: Arm, level: float = CREDIBLE) -> tuple[float, float]:
    """The equal-tailed credible interval of the variant's rate."""
    from scipy import stats
    tail = (1 - level) / 2
    low, high = stats.beta.ppf([tail, 1 - tail], arm.alpha, arm.beta)
    return float(low), float(high)


def prob_beats(control: Arm, variant: Arm) -> float:
    """P(variant's rate > control's rate), Evan Miller's closed form for Beta posteriors with integer shapes."""
    from scipy import special
    i = np.arange(int(variant.alpha))
    terms = (special.betaln(control.alpha + i, control.beta + variant.beta) - np.log(variant.beta + i)
             - special.betaln(1 + i, variant.beta) - special.betaln(control.alpha, control.beta))
    return float(np.clip(np.exp(special.logsumexp(terms)), 0.0, 1.0))


def _grid(arms: Sequence[Arm]) -> np.ndarray:
    """Points covering every posterior's mass, denser where each one lives."""
    from scipy import stats
    pieces = []
    for arm in arms:
        low, high = (float(v) for v in stats.beta.ppf([TAIL, 1 - TAIL], arm.alpha, arm.beta))
        pieces.append(np.linspace(low, high, GRID_POINTS))
    return np.unique(np.concatenate(pieces))


def _shapes(arms: Sequence[Arm]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([arm.alpha for arm in arms])[:, None], np.array([arm.beta for arm in arms])[:, None])


def prob_best(arms: Sequence[Arm]) -> list[float]:
    """P(each variant has the highest rate): the integral of its density times every other's CDF."""
    from scipy import stats
    x = _grid(arms)
    a, b = _shapes(arms)
    pdf, cdf = stats.beta.pdf(x, a, b), stats.beta.cdf(x, a, b)
    raw = np.array([np.trapezoid(pdf[i] * np.prod(np.delete(cdf, i, axis=0), axis=0), x)
                    for i in range(len(arms))])
    raw = np.clip(raw, 0.0, None)
    return [float(p) for p in raw / raw.sum()]


def expected_loss(arms: Sequence[Arm]) -> list[float]:
    """E[best rate − this variant's rate]: what choosing each variant costs, in rate, if it is not the best."""
    from scipy import stats
    x = _grid(arms)
    a, b = _shapes(arms)
    all_below = np.prod(stats.beta.cdf(x, a, b), axis=0)
    best_mean = float(x[0] + np.trapezoid(1.0 - all_below, x))
    return [max(0.0, best_mean - arm.mean) for arm in arms]


def _uplift_cdf(control: Arm, variant: Arm, uplift: float, x: np.ndarray) -> float:
    """P(variant / control − 1 ≤ uplift)."""
    from scipy import stats
    density = stats.beta.pdf(x, control.alpha, control.beta)
    return float(np.trapezoid(density * stats.beta.cdf((1 + uplift) * x, variant.alpha, variant.beta), x))


def uplift_interval(control: Arm, variant: Arm, level: float = CREDIBLE) -> tuple[float, float]:
    """The credible interval of the relative uplift (variant / control − 1), by integrating the joint posterior."""
    from scipy import optimize, stats
    x = _grid([control])
    top = float(stats.beta.isf(TAIL, variant.alpha, variant.beta) / x[0])  # above it the CDF is 1
    tail = (1 - level) / 2
    bounds = [optimize.brentq(lambda u, q=q: _uplift_cdf(control, variant, u, x) - q, -1.0, top, xtol=1e-6)
              for q in (tail, 1 - tail)]
    return float(bounds[0]), float(bounds[1])


def posterior_curve(arm: Arm, xs: Sequence[float]) -> list[float]:
    """The posterior density of the variant's rate at each point, for a chart."""
    from scipy import stats
    return [float(y) for y in stats.beta.pdf(np.asarray(xs), arm.alpha, arm.beta)]


def msprt_p_value(control: Arm, variant: Arm, tau: float) -> float:
    """1 / the mixture likelihood ratio of "the rates differ" (normal mixture of scale tau, Johari et al. 2017).

    Its running minimum over looks is an always-valid p-value: peeking every day does not inflate false winners.
    """
    if control.trials == 0 or variant.trials == 0:
        return 1.0
    p_c, p_v = control.observed, variant.observed
    variance = p_c * (1 - p_c) / control.trials + p_v * (1 - p_v) / variant.trials
    if variance <= 0:
        return 1.0
    t2 = tau * tau
    log_ratio = 0.5 * math.log(variance / (variance + t2)) + (p_v - p_c) ** 2 * t2 / (2 * variance * (variance + t2))
    return min(1.0, math.exp(-log_ratio))


def _power(n: float, rate: float, uplift: float, alpha: float, tau: float) -> float:
    """The chance the mixture SPRT has rejected by n per variant (from the last look alone: a lower bound)."""
    from scipy import stats
    other = min(rate * (1 + uplift), 1.0)
    variance = (rate * (1 - rate) + other * (1 - other)) / n
    t2 = tau * tau
    needed = math.sqrt((variance + t2) / t2 * (2 * math.log(1 / alpha) + math.log((variance + t2) / variance)))
    return float(stats.norm.cdf(abs(other - rate) / math.sqrt(variance) - needed))


def sample_needed(rate: float, uplift: float, *, alpha: float, tau: float, power: float = 0.8) -> int:
    """Sends per variant for the always-valid test to detect `uplift` (relative) over `rate` with `power`."""
    from scipy import optimize
    if not 0 < rate < 1 or uplift <= 0 or rate * (1 + uplift) >= 1:
        raise ValueError("the rate must be in (0, 1) and the uplift positive, with rate × (1 + uplift) below 1")
    n = 2.0
    while _power(n, rate, uplift, alpha, tau) < power:
        n *= 2
    found = float(optimize.brentq(lambda m: _power(m, rate, uplift, alpha, tau) - power, max(n / 2, 1.0), n))
    return math.ceil(found)


@dataclass(frozen=True)
class WinnerRule:
    """When a variant may be declared the winner. The defaults keep A/A false winners at or under 5% with daily
    looks (bench/experiments.py measures it)."""

    min_probability_best: float = 0.95
    max_expected_loss: float = 0.002  # in rate: 0.002 is 0.2 percentage points
    min_sample: int = 300  # sends per variant before any decision
    alpha: float = 0.05  # the always-valid test's false-winner bound, shared among the variants against control
    expected_rate: float = 0.05  # the control's rate you expect: sets the test's mixture and the sample before data
    mde: float = 0.30  # the smallest relative uplift worth detecting: 0.30 is 5% → 6.5%
    power: float = 0.8

    def __post_init__(self) -> None:
        checks = {"min_probability_best": 0.5 <= self.min_probability_best < 1,
                  "max_expected_loss": 0 < self.max_expected_loss < 1, "min_sample": self.min_sample >= 1,
                  "alpha": 0 < self.alpha <= 0.5, "expected_rate": 0 < self.expected_rate < 1,
                  "mde": self.mde > 0 and self.expected_rate * (1 + self.mde) < 1, "power": 0.5 <= self.power < 1}
        for name, ok in checks.items():
            if not ok:
                raise ValueError(f"winner rule: {name}={getattr(self, name)!r} is out of range")

    @property
    def tau(self) -> float:
        """The mixture's scale: the absolute difference the test is tuned to find."""
        return self.expected_rate * self.mde


@dataclass(frozen=True)
class Decision:
    winner: str | None
    reason: str
    p_values: dict[str, float] = field(default_factory=dict)  # running always-valid p per variant against control


def always_valid(arms: Sequence[Arm], rule: WinnerRule, previous: Mapping[str, float]) -> dict[str, float]:
    """Each variant's always-valid p against control (the first arm): the least seen so far."""
    control = arms[0]
    return {arm.name: min(previous.get(arm.name, 1.0), msprt_p_value(control, arm, rule.tau)) for arm in arms[1:]}


def _significant(arms: Sequence[Arm], leader: int, p_values: Mapping[str, float], alpha: float) -> str | None:
    """Why the leader is not yet significantly ahead of control, or None when it is."""
    if leader == 0:
        behind = [arm for arm in arms[1:] if p_values[arm.name] > alpha or arm.observed >= arms[0].observed]
        if behind:
            return f"control not yet significantly ahead of {behind[0].name!r} (p={p_values[behind[0].name]:.3f})"
        return None
    if p_values[arms[leader].name] > alpha or arms[leader].observed <= arms[0].observed:
        return f"{arms[leader].name!r} not yet significantly ahead of control (p={p_values[arms[leader].name]:.3f})"
    return None


def decide(arms: Sequence[Arm], rule: WinnerRule, previous: Mapping[str, float] | None = None) -> Decision:
    """The winner when the rule holds: every variant past the minimum sample, the leader significant against
    control on the always-valid test, its probability to be best over the threshold and its expected loss under
    the bound. The cheap conditions are checked first."""
    if len(arms) < 2:
        raise ValueError("an experiment needs at least two variants")
    p_values = always_valid(arms, rule, previous or {})
    short = next((arm for arm in arms if arm.trials < rule.min_sample), None)
    if short is not None:
        return Decision(None, f"{short.name!r} has {short.trials} of {rule.min_sample} sends", p_values)
    leader = max(range(len(arms)), key=lambda i: arms[i].mean)
    alpha = rule.alpha / (len(arms) - 1)
    if (why := _significant(arms, leader, p_values, alpha)) is not None:
        return Decision(None, why, p_values)
    best, loss = prob_best(arms)[leader], expected_loss(arms)[leader]
    name = arms[leader].name
    if best < rule.min_probability_best:
        return Decision(None, f"{name!r} is best with probability {best:.3f} < {rule.min_probability_best}", p_values)
    if loss > rule.max_expected_loss:
        return Decision(None, f"{name!r} has expected loss {loss:.4f} > {rule.max_expected_loss}", p_values)
    return Decision(name, f"{name!r}: probability to be best {best:.3f} ≥ {rule.min_probability_best}, "
                          f"expected loss {loss:.4f} ≤ {rule.max_expected_loss}, always-valid p "
                          f"{max(p_values.values()) if leader == 0 else p_values[name]:.4f} ≤ {alpha:.4f}, "
                          f"every variant ≥ {rule.min_sample} sends", p_values)


def thompson_weights(arms: Sequence[Arm], floor: float = 0.05) -> list[float]:
    """Allocation by probability to be best (Thompson sampling's share in expectation), each at least `floor`."""
    shares = np.maximum(np.array(prob_best(arms)), floor)
    return [float(s) for s in shares / shares.sum()]
