"""Small, exact statistics for the reports: proportions with their confidence intervals, the
difference of two proportions, and a median. Plain functions on whole numbers; no SciPy (it is
a development-only dependency, used by the tests to check these).

- :func:`wilson` — the Wilson score interval for one proportion, without continuity correction
  (Newcombe 1998a, "Two-sided confidence intervals for the single proportion", Statistics in
  Medicine 17:857–872, method 3). It behaves well for small samples and for proportions near
  0 or 1, where the textbook ("Wald") interval fails.
- :func:`newcombe_difference` — the interval for the difference of two independent
  proportions by Newcombe's hybrid score method (Newcombe 1998b, "Interval estimation for the
  difference between independent proportions", Statistics in Medicine 17:873–890, method 10),
  built from the two Wilson intervals.

Both use the normal quantile for 95% unless told otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(frozen=True)
class Interval:
    """An estimate and its confidence interval, as proportions from 0 to 1 (differences from
    -1 to 1)."""

    estimate: float
    low: float
    high: float

    def includes(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def width(self) -> float:
        return self.high - self.low


def _check(successes: int, trials: int) -> None:
    for value in (successes, trials):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"Counts are whole numbers, not {value!r}.")
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"Need 0 <= successes <= trials, not {successes} of {trials}.")


def wilson(successes: int, trials: int, z: float = Z95) -> Interval | None:
    """The proportion ``successes / trials`` with its Wilson score interval (None when there
    are no trials: nothing to estimate).

    >>> round(wilson(81, 263).low, 4), round(wilson(81, 263).high, 4)
    (0.2553, 0.3662)
    """
    _check(successes, trials)
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At 0 and at the number of trials the bound is exactly 0 or 1 (rounding aside).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high)


def newcombe_difference(successes_1: int, trials_1: int, successes_2: int, trials_2: int,
                        z: float = Z95) -> Interval | None:
    """The difference of two independent proportions, p1 − p2, with Newcombe's hybrid score
    interval (method 10): with (l1, u1) and (l2, u2) the Wilson intervals of p1 and p2,

        low  = (p1 − p2) − sqrt((p1 − l1)² + (u2 − p2)²)
        high = (p1 − p2) + sqrt((u1 − p1)² + (p2 − l2)²)

    None when either group has no trials.

    >>> d = newcombe_difference(56, 70, 48, 80)
    >>> round(d.estimate, 4), round(d.low, 4), round(d.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    first = wilson(successes_1, trials_1, z)
    second = wilson(successes_2, trials_2, z)
    if first is None or second is None:
        return None
    p1, l1, u1 = first.estimate, first.low, first.high
    p2, l2, u2 = second.estimate, second.low, second.high
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(difference, max(-1.0, low), min(1.0, high))


def median(values: Iterable[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None of nothing."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2
