"""Links of list rows and of a list's pages, built once per page."""

from flask import url_for

# url_for's own keywords (and its endpoint): a request argument of one of these names cannot be
# passed through to a link
_RESERVED = frozenset({"endpoint", "_anchor", "_method", "_scheme", "_external"})


class RowLinks:
    """The link of each row of a list, built once: ``url_for`` costs ~15 µs a call and a list
    page has 25 to 50 rows. ``links = row_links('roster.organization_detail', 'org_id')`` then
    ``links(org.id)`` is what ``url_for('roster.organization_detail', org_id=org.id)`` gives
    (a test compares them)."""

    MARKS = ("2147483646", "2147483645")  # two ids that differ in their last digit only

    def __init__(self, endpoint: str, key: str, **values):
        self._build(endpoint, key, values)

    def _build(self, endpoint: str, key: str, values: dict) -> None:
        # built with two ids, the links differ where the id goes (and only there), whatever
        # else the other values hold; the id keeps its place among the values if it has one
        one, other = (url_for(endpoint, **{**values, key: int(mark)}) for mark in self.MARKS)
        last = next(i for i, (a, b) in enumerate(zip(one, other, strict=True)) if a != b)
        start = last + 1 - len(self.MARKS[0])
        if one[start:last + 1] != self.MARKS[0] or one[last + 1:] != other[last + 1:]:
            raise ValueError(f"{endpoint} does not write {key} as it is given")
        self.head, self.tail = one[:start], one[last + 1:]

    def __call__(self, record_id: int) -> str:
        return f"{self.head}{int(record_id)}{self.tail}"


class PageLinks(RowLinks):
    """The link of each page of a list (``pagination`` in _macros.html): ``values`` (the
    view's and the request's arguments) with ``page`` set to the number. The request's
    arguments may be named anything: those url_for would take as its own are left out."""

    def __init__(self, endpoint: str, values: dict, key: str = "page"):
        self._build(endpoint, key,
                    {name: value for name, value in values.items() if name not in _RESERVED})
