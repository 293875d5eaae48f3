"""Small random draws shared by the customers, the crews and the run."""

from __future__ import annotations

import math
import random


def poisson(rng: random.Random, lam: float) -> int:
    """How many times something with mean `lam` happens (Knuth's method: means here are small)."""
    if lam <= 0:
        return 0
    n, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p < limit:
            return n
        n += 1


def about(rng: random.Random, mean: float) -> int:
    """The whole part of `mean`, plus one with the chance of its fraction."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)
