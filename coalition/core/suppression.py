"""Small-cell suppression for everything printed for readers outside the coalition.

The rules (PRODUCT.md, privacy; the CDC WONDER, CMS and Washington DOH standards in
``reference/domain.md``):

- a count from 1 to the threshold (``SUPPRESSION_THRESHOLD``, 10 by default) is hidden; zero
  is shown;
- complementary suppression: when a hidden count could be worked out from the totals and the
  other counts shown (subtracting along a row or a column), more counts are hidden, the next
  smallest first, until none can;
- a share or a rate computed from a hidden count is hidden too; a rate from 20 or fewer
  events is flagged unstable;
- dates no finer than the month, ages over 89 top-coded, no geography finer than the county
  (the reports have none).

Every hidden count is shown with one marker ("*"), so a reader cannot tell a small count from
one hidden to protect it.

How "could be worked out" is decided. A table with its margins is a circulation in a small
network: source → row (row total) → column (the cell) → sink (column total) → source (the
grand total). A reader knows every shown count exactly, knows that a count hidden as small lies
in 1..threshold, that one hidden to protect another is above the threshold (a smaller one
would have been hidden as small), and knows nothing of a total that is not printed. A hidden
count can be worked out exactly when no other table fits what the reader knows; otherwise there
is a cycle of unknown counts through it along which one unit can be moved without leaving any
count's range (the flow decomposition of the difference of two fitting tables). So a count is
safe when, in the residual network of the unknown counts, a path closes such a cycle in either
direction. The reader is assumed to know more than the marker tells (which hidden counts are
small); what is safe against that reader is safe against the real one.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

DEFAULT_THRESHOLD = 10
UNSTABLE_MAX = 20
MARKER = "*"
TOP_AGE = 90  # ages above 89 are shown as "90 or older"

_SHOWN, _SMALL, _COMPLEMENT, _FREE = "shown", "small", "complementary", "free"


class SuppressionError(RuntimeError):
    """The table cannot be published safely (no further count can be hidden)."""


@dataclass(frozen=True)
class Policy:
    """The deployment's rule: counts 1..``threshold`` hidden; rates from ``unstable_max`` or
    fewer events unstable."""

    threshold: int = DEFAULT_THRESHOLD
    unstable_max: int = UNSTABLE_MAX
    marker: str = MARKER

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 2:
            raise ValueError("The suppression threshold is a whole number of at least 2 (with 1, "
                             "every hidden count would be known to be 1).")

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(threshold=int(config.get("SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)))

    def is_small(self, value: int) -> bool:
        return 1 <= value <= self.threshold

    @property
    def rule(self) -> str:
        """The data note printed with every public table."""
        return (f"Counts from 1 to {self.threshold} are not shown ({self.marker}), to protect "
                f"the privacy of the people counted; where such a count could be worked out "
                f"from a total, another count is hidden as well (also {self.marker}). Zero is "
                f"shown. Percentages and rates computed from a hidden count are hidden. Rates "
                f"based on {self.unstable_max} or fewer events are marked unstable (†): they "
                f"can change a great deal from one period to the next by chance alone.")


@dataclass(frozen=True)
class Count:
    """One printed count: its value, or the marker when it is hidden."""

    value: int | None
    reason: str = _SHOWN
    marker: str = MARKER

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        return self.marker if self.value is None else f"{self.value:,}"

    def __str__(self) -> str:
        return self.text


def shown(value: int) -> Count:
    """A count printed as it is (internal reports, or a number that is not about people)."""
    return Count(int(value))


@dataclass(frozen=True)
class Table:
    cells: list[list[Count]]
    row_totals: list[Count] | None
    column_totals: list[Count] | None
    total: Count | None

    @property
    def hidden(self) -> int:
        every = [c for row in self.cells for c in row]
        every += (self.row_totals or []) + (self.column_totals or [])
        every += [self.total] if self.total is not None else []
        return sum(1 for c in every if c.hidden)


@dataclass
class _Edge:
    tail: int
    head: int
    value: int
    state: str
    order: int

    def bounds(self, threshold: int) -> tuple[float, float]:
        if self.state == _SMALL:
            return 1, threshold
        if self.state == _COMPLEMENT:
            return threshold + 1, math.inf
        if self.state == _FREE:
            return 0, math.inf
        return self.value, self.value


class _Network:
    def __init__(self, edges: list[_Edge], threshold: int, nodes: int) -> None:
        self.edges = edges
        self.threshold = threshold
        self.nodes = nodes

    def _reaches(self, start: int, goal: int, skip: _Edge) -> bool:
        arcs: list[list[int]] = [[] for _ in range(self.nodes)]
        for edge in self.edges:
            if edge is skip or edge.state == _SHOWN:
                continue
            low, high = edge.bounds(self.threshold)
            if edge.value < high:
                arcs[edge.tail].append(edge.head)
            if edge.value > low:
                arcs[edge.head].append(edge.tail)
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for nxt in arcs[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    def derivable(self, edge: _Edge) -> bool:
        """True when the reader can work out this hidden count exactly."""
        low, high = edge.bounds(self.threshold)
        if edge.value < high and self._reaches(edge.head, edge.tail, edge):
            return False
        return not (edge.value > low and self._reaches(edge.tail, edge.head, edge))

    def protect(self) -> None:
        while True:
            exposed = next((e for e in self.edges if e.state in (_SMALL, _COMPLEMENT)
                            and self.derivable(e)), None)
            if exposed is None:
                return
            self._hide_next_to(exposed)

    def _hide_next_to(self, exposed: _Edge) -> None:
        """Hide the smallest shown non-zero count beside ``exposed`` (same row, column or
        total), or failing that anywhere in the table."""
        candidates = [e for e in self.edges if e.state == _SHOWN and e.value > 0]
        beside = [e for e in candidates
                  if {e.tail, e.head} & {exposed.tail, exposed.head}]
        pool = beside or candidates
        if not pool:
            raise SuppressionError("This table cannot be published: its hidden counts could be "
                                   "worked out from what is left. Publish a coarser table.")
        chosen = min(pool, key=lambda e: (e.value, e.order))
        chosen.state = _COMPLEMENT


def suppress_table(counts: Sequence[Sequence[int]], policy: Policy, *, row_totals: bool = True,
                   column_totals: bool = True, total: bool = True) -> Table:
    """Suppress a table of exclusive counts printed with the chosen margins (each row total is
    the sum of its row, and so on; a margin not printed is unknown to the reader)."""
    rows = [[_whole(v) for v in row] for row in counts]
    if not rows or not rows[0] or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("A table has at least one row and one column, all rows the same length.")
    n_rows, n_cols = len(rows), len(rows[0])
    source, sink = 0, n_rows + n_cols + 1
    edges: list[_Edge] = []

    def add(tail: int, head: int, value: int, printed: bool) -> _Edge:
        if not printed:
            state = _FREE
        else:
            state = _SMALL if policy.is_small(value) else _SHOWN
        edge = _Edge(tail, head, value, state, len(edges))
        edges.append(edge)
        return edge

    cell_edges = [[add(1 + i, 1 + n_rows + j, rows[i][j], True) for j in range(n_cols)]
                  for i in range(n_rows)]
    row_edges = [add(source, 1 + i, sum(rows[i]), row_totals) for i in range(n_rows)]
    column_edges = [add(1 + n_rows + j, sink, sum(row[j] for row in rows), column_totals)
                    for j in range(n_cols)]
    total_edge = add(sink, source, sum(map(sum, rows)), total)
    _Network(edges, policy.threshold, n_rows + n_cols + 2).protect()

    def out(edge: _Edge) -> Count:
        if edge.state in (_SMALL, _COMPLEMENT):
            return Count(None, edge.state, policy.marker)
        return Count(edge.value, _SHOWN, policy.marker)

    return Table(cells=[[out(e) for e in row] for row in cell_edges],
                 row_totals=[out(e) for e in row_edges] if row_totals else None,
                 column_totals=[out(e) for e in column_edges] if column_totals else None,
                 total=out(total_edge) if total else None)


def suppress_counts(counts: Sequence[int], policy: Policy, *,
                    total: bool = True) -> tuple[list[Count], Count | None]:
    """Exclusive categories of one whole (sex, age band, place of death) and their total."""
    table = suppress_table([list(counts)], policy, row_totals=total, column_totals=False,
                           total=False)
    return table.cells[0], (table.row_totals[0] if total else None)


def suppress_each(counts: Sequence[int], policy: Policy) -> list[Count]:
    """Counts that do not add up to anything printed (cases with each kind of touchpoint, a
    case having several): each small one is hidden, none needs a complement."""
    return [Count(None, _SMALL, policy.marker) if policy.is_small(_whole(v))
            else Count(_whole(v), _SHOWN, policy.marker) for v in counts]


def suppress_one(value: int, policy: Policy) -> Count:
    return suppress_each([value], policy)[0]


def share(part: Count, whole: Count, *, digits: int = 0) -> str:
    """``part`` as a percentage of ``whole``: hidden when either is hidden, "—" of nothing."""
    if part.hidden or whole.hidden:
        return part.marker
    if not whole.value:
        return "—"
    return f"{100 * part.value / whole.value:.{digits}f}%"


@dataclass(frozen=True)
class Rate:
    value: float | None
    unstable: bool
    per: int
    marker: str = MARKER

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        if self.value is None:
            return self.marker
        return f"{self.value:,.1f}{' †' if self.unstable else ''}"

    def __str__(self) -> str:
        return self.text


def rate(events: Count, population: int | None, policy: Policy, *, per: int = 100_000) -> Rate:
    """Events per ``per`` people: hidden when the count is hidden or there is no population;
    flagged unstable from ``policy.unstable_max`` or fewer events (CDC WISQARS)."""
    if events.hidden or not population or population <= 0:
        return Rate(None, False, per, policy.marker)
    return Rate(events.value * per / population, events.value <= policy.unstable_max, per,
                policy.marker)


def year_of(day: date | None) -> str:
    return "" if day is None else str(day.year)


def month_of(day: date | None) -> str:
    return "" if day is None else day.strftime("%B %Y")


def top_coded_age(age: int | None) -> str:
    if age is None:
        return "Unknown"
    return f"{TOP_AGE} or older" if age >= TOP_AGE else str(age)


def _whole(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"A count is a whole number of at least zero, not {value!r}.")
    return value
