"""Wilson and Newcombe intervals against the published values (Newcombe 1998a, Table I and
1998b, Table II, method 10) and against SciPy; the median."""

from __future__ import annotations

import pytest

from coalition.core.stats import Interval, median, newcombe_difference, wilson


@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
])
def test_wilson_matches_newcombe_1998_single_proportion(successes, trials, low, high):
    interval = wilson(successes, trials)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)
    assert interval.estimate == successes / trials


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
])
def test_difference_matches_newcombe_1998_method_10(x1, n1, x2, n2, low, high):
    interval = newcombe_difference(x1, n1, x2, n2)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)
    assert interval.estimate == pytest.approx(x1 / n1 - x2 / n2)


def test_the_worked_example_gives_a_difference_of_a_fifth():
    assert round(newcombe_difference(56, 70, 48, 80).estimate, 4) == 0.2


@pytest.mark.parametrize(("successes", "trials"), [(0, 1), (1, 1), (3, 7), (17, 40), (250, 251)])
def test_wilson_agrees_with_scipy(successes, trials):
    stats = pytest.importorskip("scipy.stats")
    reference = stats.binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    interval = wilson(successes, trials)
    assert interval.low == pytest.approx(reference.low, abs=1e-9)
    assert interval.high == pytest.approx(reference.high, abs=1e-9)


def test_swapping_the_groups_mirrors_the_difference():
    forward = newcombe_difference(12, 40, 25, 45)
    backward = newcombe_difference(25, 45, 12, 40)
    assert (backward.estimate, backward.low, backward.high) == pytest.approx(
        (-forward.estimate, -forward.high, -forward.low))


def test_no_trials_means_no_estimate():
    assert wilson(0, 0) is None
    assert newcombe_difference(0, 0, 3, 10) is None
    assert newcombe_difference(3, 10, 0, 0) is None


@pytest.mark.parametrize("bad", [(-1, 5), (6, 5), (1.5, 5), (True, 5), (1, -2)])
def test_impossible_counts_are_refused(bad):
    with pytest.raises(ValueError):
        wilson(*bad)


def test_an_interval_says_whether_it_includes_a_value():
    interval = Interval(0.2, 0.05, 0.33)
    assert interval.includes(0.0) is False and interval.includes(0.1) is True
    assert interval.width == pytest.approx(0.28)


@pytest.mark.parametrize(("values", "expected"), [
    ([], None), ([7], 7.0), ([3, 1, 2], 2.0), ([4, 1, 3, 2], 2.5), ([10.5, 30, 20], 20.0)])
def test_median(values, expected):
    assert median(values) == expected
