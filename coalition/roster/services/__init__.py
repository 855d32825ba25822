"""Roster verbs and the queries views, dashboard and reports share.

Every verb takes the acting user, validates the business rules, raises :class:`ServiceError`
(with the form field it belongs to) when one is broken, writes its audit row and flushes. The
caller commits.

One module per subject — ``organizations`` (with agreements), ``people`` (with affiliations),
``tables`` (with seats), ``coverage`` — on top of ``validation``, ``editing`` and ``listing``,
the checks, edit audit and list filters they share. Who sits at a table is
``roster.seats``. Callers import from this package:
``from coalition.roster import services as roster``.
"""

from coalition.core.errors import ServiceError
from coalition.roster.services.coverage import (
    coverage_matrix,
    standard_sectors,
    table_coverage,
    table_summaries,
)
from coalition.roster.services.listing import STATUSES
from coalition.roster.services.organizations import (
    DUPLICATE_ORG_MESSAGE,
    add_agreement,
    agreement_alerts,
    agreement_expiry,
    agreement_states,
    create_organization,
    latest_agreements_subquery,
    organization_key,
    organization_names,
    organization_people,
    organization_query,
    organization_seats,
    update_agreement,
    update_organization,
)
from coalition.roster.services.people import (
    add_affiliation,
    create_person,
    organization_names_of,
    person_affiliations,
    person_names,
    person_query,
    person_seats,
    remove_affiliation,
    update_person,
)
from coalition.roster.services.tables import (
    DUPLICATE_TABLE_MESSAGE,
    change_seat_role,
    create_table,
    kind_lock,
    seat_person,
    table_query,
    unseat,
    update_table,
    visible_tables,
)
from coalition.roster.services.validation import NOTES_MAX, WEBSITE_MESSAGE, web_address_problem

__all__ = [
    "DUPLICATE_ORG_MESSAGE",
    "DUPLICATE_TABLE_MESSAGE",
    "NOTES_MAX",
    "STATUSES",
    "WEBSITE_MESSAGE",
    "ServiceError",
    "add_affiliation",
    "add_agreement",
    "agreement_alerts",
    "change_seat_role",
    "coverage_matrix",
    "create_organization",
    "create_person",
    "create_table",
    "agreement_expiry",
    "agreement_states",
    "kind_lock",
    "latest_agreements_subquery",
    "organization_key",
    "organization_names_of",
    "organization_names",
    "organization_people",
    "organization_query",
    "organization_seats",
    "person_affiliations",
    "person_names",
    "person_query",
    "person_seats",
    "remove_affiliation",
    "seat_person",
    "standard_sectors",
    "table_coverage",
    "table_query",
    "table_summaries",
    "unseat",
    "update_agreement",
    "update_organization",
    "update_person",
    "update_table",
    "visible_tables",
    "web_address_problem",
]
