"""A/B variants: each lead gets one variant per sequence step, always the same one, evenly or by weight."""

import hashlib
import math
from collections.abc import Sequence

from aicmo.errors import AicmoError

__all__ = ["InvalidVariants", "choose_variant", "variant_fraction"]


class InvalidVariants(AicmoError, ValueError):
    """Variant names or weights that cannot be chosen from."""


def variant_fraction(lead_id: int, step: int) -> float:
    """A number in [0, 1), uniform over leads, fixed for (lead_id, step) across runs and machines."""
    digest = hashlib.blake2b(f"{lead_id}:{step}".encode(), digest_size=8, person=b"aicmo-variant").digest()
    return int.from_bytes(digest, "big") / 2**64


def choose_variant(names: Sequence[str], lead_id: int, step: int, *,
                   weights: Sequence[float] | None = None) -> str:
    """The variant this lead gets at this step: uniform over `names`, or in proportion to `weights`."""
    if not names:
        raise InvalidVariants("no variants to choose from")
    point = variant_fraction(lead_id, step)
    if weights is None:
        return names[min(int(point * len(names)), len(names) - 1)]
    if len(weights) != len(names):
        raise InvalidVariants(f"{len(names)} variants but {len(weights)} weights")
    if any(not math.isfinite(weight) or weight < 0 for weight in weights):
        raise InvalidVariants("variant weights must be finite and not negative")
    total = math.fsum(weights)
    if total <= 0:
        raise InvalidVariants("variant weights add up to zero")
    target, running = point * total, 0.0
    for name, weight in zip(names, weights, strict=True):
        running += weight
        if target < running:
            return name
    return next(name for name, weight in zip(reversed(names), reversed(weights), strict=True) if weight > 0)
