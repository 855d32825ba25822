"""The suppression engine: small counts hidden, zero shown, and — proved over many random
tables — no hidden count can be worked out from what is printed.

The proof does not reuse the engine's own reasoning: for every hidden count it asks a linear
program (scipy's HiGHS) for the smallest and the largest value that fits everything a reader
knows (the shown counts exactly, the printed totals, a small hidden count in 1..threshold, a
count hidden to protect another above the threshold, an unprinted total anything). A table with
margins has a totally unimodular constraint matrix, so both ends are whole numbers met by real
tables: when they differ the count cannot be worked out.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from coalition.core.suppression import (
    Count,
    Policy,
    SuppressionError,
    Table,
    month_of,
    rate,
    share,
    shown,
    suppress_counts,
    suppress_each,
    suppress_table,
    top_coded_age,
    year_of,
)

POLICY = Policy()


def _known_ranges(counts, table, policy, *, row_totals, column_totals, total):
    """(name, low, high) for every hidden count, from what a reader of ``table`` knows."""
    n_rows, n_cols = len(counts), len(counts[0])
    names, bounds = [], []
    for i in range(n_rows):
        for j in range(n_cols):
            names.append(("cell", i, j))
            bounds.append(_bounds(table.cells[i][j], policy))
    for i in range(n_rows):
        names.append(("row", i))
        bounds.append(_bounds(table.row_totals[i], policy) if row_totals else (0, None))
    for j in range(n_cols):
        names.append(("column", j))
        bounds.append(_bounds(table.column_totals[j], policy) if column_totals else (0, None))
    names.append(("total",))
    bounds.append(_bounds(table.total, policy) if total else (0, None))
    index = {name: k for k, name in enumerate(names)}
    equations = []
    for i in range(n_rows):
        row = np.zeros(len(names))
        for j in range(n_cols):
            row[index["cell", i, j]] = 1
        row[index["row", i]] = -1
        equations.append(row)
    for j in range(n_cols):
        row = np.zeros(len(names))
        for i in range(n_rows):
            row[index["cell", i, j]] = 1
        row[index["column", j]] = -1
        equations.append(row)
    row = np.zeros(len(names))
    for i in range(n_rows):
        row[index["row", i]] = 1
    row[index["total",]] = -1
    equations.append(row)
    a_eq, b_eq = np.array(equations), np.zeros(len(equations))
    printed = _printed(table)
    ranges = []
    for name, count in printed.items():
        if not count.hidden:
            continue
        objective = np.zeros(len(names))
        objective[index[name]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, "the true table must fit what the reader knows"
        top = np.inf if high.status == 3 else -high.fun
        ranges.append((name, low.fun, top))
    return ranges


def _bounds(count: Count, policy: Policy):
    if not count.hidden:
        return (count.value, count.value)
    if count.reason == "small":
        return (1, policy.threshold)
    return (policy.threshold + 1, None)


def _printed(table) -> dict:
    printed = {("cell", i, j): c for i, row in enumerate(table.cells) for j, c in enumerate(row)}
    printed.update({("row", i): c for i, c in enumerate(table.row_totals or [])})
    printed.update({("column", j): c for j, c in enumerate(table.column_totals or [])})
    if table.total is not None:
        printed["total",] = table.total
    return printed


def _truth(counts) -> dict:
    truth = {("cell", i, j): v for i, row in enumerate(counts) for j, v in enumerate(row)}
    truth.update({("row", i): sum(row) for i, row in enumerate(counts)})
    truth.update({("column", j): sum(row[j] for row in counts) for j in range(len(counts[0]))})
    truth["total",] = sum(map(sum, counts))
    return truth


# Counts as a county's tables have them: many zeros and small counts, some large.
count_values = st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 80))


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    counts = [[draw(count_values) for _ in range(n_cols)] for _ in range(n_rows)]
    threshold = draw(st.sampled_from([2, 4, 5, 10]))
    margins = draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    return counts, Policy(threshold=threshold), margins


PROOF = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _everything_hidden(counts, policy, margins) -> Table:
    """The table with every non-zero count hidden: the most a table can hide without lying
    about zeros."""
    def hide(value):
        if value == 0:
            return Count(0)
        return Count(None, "small" if policy.is_small(value) else "complementary")
    truth = _truth(counts)
    row_totals, column_totals, total = margins
    return Table(cells=[[hide(v) for v in row] for row in counts],
                 row_totals=[hide(truth["row", i]) for i in range(len(counts))]
                 if row_totals else None,
                 column_totals=[hide(truth["column", j]) for j in range(len(counts[0]))]
                 if column_totals else None,
                 total=hide(truth["total",]) if total else None)


@PROOF
@given(tables())
def test_no_hidden_count_can_be_worked_out(case):
    counts, policy, margins = case
    row_totals, column_totals, total = margins
    try:
        table = suppress_table(counts, policy, row_totals=row_totals,
                               column_totals=column_totals, total=total)
    except SuppressionError:
        # Refused only when even hiding every non-zero count leaves one that can be worked out
        # (ten categories of one person each, say): the report then withholds the table.
        table = _everything_hidden(counts, policy, margins)
        ranges = _known_ranges(counts, table, policy, row_totals=row_totals,
                               column_totals=column_totals, total=total)
        event("refused")
        assert any(high - low < 1 - 1e-6 for _, low, high in ranges)
        return
    for name, low, high in _known_ranges(counts, table, policy, row_totals=row_totals,
                                         column_totals=column_totals, total=total):
        assert high - low >= 1 - 1e-6, f"{name} is known to be {low} in {counts}"


@PROOF
@given(tables())
def test_small_counts_hidden_zero_and_the_rest_true(case):
    counts, policy, (row_totals, column_totals, total) = case
    try:
        table = suppress_table(counts, policy, row_totals=row_totals,
                               column_totals=column_totals, total=total)
    except SuppressionError:
        return  # proved justified above
    truth = _truth(counts)
    for name, count in _printed(table).items():
        if policy.is_small(truth[name]):
            assert count.hidden and count.reason == "small" and count.text == policy.marker
        elif count.hidden:
            assert count.reason == "complementary" and truth[name] > policy.threshold
        else:
            assert count.value == truth[name]
        if truth[name] == 0:
            assert count.text == "0"


def test_one_hidden_cell_in_a_row_brings_the_next_smallest():
    cells, total = suppress_counts([40, 3, 25, 12, 0], POLICY)
    assert [c.text for c in cells] == ["40", "*", "25", "*", "0"]
    assert [c.reason for c in cells] == ["shown", "small", "shown", "complementary", "shown"]
    assert total.text == "80"


def test_two_small_cells_protect_each_other_unless_their_sum_tells():
    cells, _ = suppress_counts([30, 4, 6], POLICY)
    assert [c.text for c in cells] == ["30", "*", "*"]
    # 1 and 1 with the total printed: both hidden, the reader knows they sum to 2 and each is
    # at least 1, so each is 1 — a third count must go.
    cells, _ = suppress_counts([30, 1, 1, 50], POLICY)
    assert [c.hidden for c in cells] == [True, True, True, False]


def test_a_small_total_is_hidden_and_the_grand_total_protects_it():
    table = suppress_table([[20, 30], [3, 2]], POLICY)
    assert table.row_totals[1].hidden and table.row_totals[1].reason == "small"
    # Row 1's total (5) could be worked out from the grand total less row 0: one more goes.
    assert table.row_totals[0].hidden or table.total.hidden


def test_a_table_that_cannot_be_protected_is_refused():
    # Ten categories of one person each and their total of 10: every count hidden, yet each
    # category is at least 1 and they add up to at most 10, so each is 1.
    with pytest.raises(SuppressionError, match="cannot be published"):
        suppress_counts([1] * 10, POLICY)
    cells, total = suppress_counts([1] * 9, POLICY)
    assert all(c.hidden for c in cells) and total.hidden


def test_counts_that_do_not_add_up_hide_only_small_ones():
    assert [c.text for c in suppress_each([0, 4, 11, 250], POLICY)] == ["0", "*", "11", "250"]


def test_bad_counts_are_refused():
    for bad in ([[-1]], [[1.5]], [[True]], [[1, 2], [3]], [], [[]]):
        with pytest.raises(ValueError):
            suppress_table(bad, POLICY)


def test_shares_and_rates_from_hidden_counts_are_hidden():
    hidden, twenty, forty = Count(None, "small"), shown(20), shown(40)
    assert share(hidden, forty) == "*"
    assert share(twenty, hidden) == "*"
    assert share(twenty, forty) == "50%"
    assert share(shown(1), shown(3), digits=1) == "33.3%"
    assert share(shown(0), shown(0)) == "—"
    assert rate(hidden, 100_000, POLICY).text == "*"
    assert rate(twenty, None, POLICY).hidden
    assert rate(twenty, 80_000, POLICY).text == "25.0 †"
    assert rate(shown(21), 100_000, POLICY).text == "21.0"
    assert not rate(shown(21), 100_000, POLICY).unstable


def test_the_rule_is_written_out_for_the_data_notes():
    rule = Policy(threshold=5).rule
    assert "from 1 to 5" in rule and "unstable" in rule and "Zero is shown" in rule


def test_from_config_and_a_threshold_that_would_tell():
    assert Policy.from_config({"SUPPRESSION_THRESHOLD": 5}).threshold == 5
    assert Policy.from_config({}).threshold == 10
    with pytest.raises(ValueError, match="at least 2"):
        Policy.from_config({"SUPPRESSION_THRESHOLD": 1})


def test_dates_and_ages_are_coarsened():
    assert year_of(date(2026, 3, 14)) == "2026"
    assert month_of(date(2026, 3, 14)) == "March 2026"
    assert year_of(None) == month_of(None) == ""
    assert top_coded_age(89) == "89"
    assert top_coded_age(90) == "90 or older"
    assert top_coded_age(104) == "90 or older"
    assert top_coded_age(None) == "Unknown"
