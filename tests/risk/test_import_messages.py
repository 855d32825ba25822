"""The import's heading message says why nothing can be imported: every line already imported,
repeated or invalid, never "no incident rows" above a table of lines."""

from __future__ import annotations

from coalition.extensions import db
from coalition.risk import services as risk
from tests.risk.test_import import (  # noqa: F401  (fixtures)
    as_manager,
    csv_bytes,
    good_row,
    hub,
    page_text,
    upload,
)


def _import_first(hub, *numbers):  # noqa: F811
    risk.import_incidents(hub.manager, hub.table, data=csv_bytes(*map(good_row, numbers)),
                          filename="first.csv")
    db.session.commit()


def test_a_file_imported_twice_says_it_is_all_already_imported(as_manager, hub):  # noqa: F811
    _import_first(hub, "S-1", "S-2")
    text = page_text(upload(as_manager, hub.table, csv_bytes(good_row("S-1"),
                                                             good_row("S-2"))))
    assert "All 2 incidents in the file are already imported at this table" in text
    assert "no incident rows" not in text


def test_a_file_of_duplicates_and_bad_lines_counts_each(as_manager, hub):  # noqa: F811
    _import_first(hub, "S-1")
    text = page_text(upload(as_manager, hub.table, csv_bytes(
        good_row("S-1"), good_row("S-1"), good_row("X-1", when="not a date"))))
    assert ("None of the 3 lines of the file can be imported: 2 already imported, "
            "1 with problems to correct. Nothing was imported.") in text
    assert "no incident rows" not in text


def test_a_file_with_only_a_header_still_has_no_incident_rows(as_manager, hub):  # noqa: F811
    text = page_text(upload(as_manager, hub.table, csv_bytes()))
    assert "no incident rows" in text
