"""Fatality review verbs and the queries its screens share.

Modules: ``cases`` (facts, substances, workflow, completeness), ``identity`` (encrypted
identifiers and the audited reveal), ``selection`` (checklist, settings, selecting a case for a
meeting), ``records`` (records requests), ``timeline`` (touchpoints and missed opportunities),
``deaths_csv`` and ``imports`` (the medical examiner's list, mapped and imported all or
nothing), ``agenda`` (cases on agendas, and as a source of action items), ``listing`` (lists and
counts). Every verb takes the acting user, raises :class:`ServiceError` at the form field, writes
its audit row and flushes; the caller commits. Callers import from this package:
``from coalition.ofr import services as ofr``.
"""

from coalition.core.errors import ServiceError  # noqa: F401
from coalition.ofr.services.agencies import (  # noqa: F401
    agency_named,
    kept_table_seats,
    table_seats,
)
from coalition.ofr.services.agenda import add_case_action, case_actions, from_case  # noqa: F401
from coalition.ofr.services.cases import (  # noqa: F401
    CODE_FIELDS,
    FACT_FIELDS,
    TRANSITIONS,
    TRISTATE_FIELDS,
    case_for_page,
    case_page_lists,
    case_page_options,
    completeness,
    create_case,
    log_case_read,
    set_status,
    update_case,
)
from coalition.ofr.services.identity import (  # noqa: F401
    decrypted_identity,
    reveal_identity,
    save_identity,
)
from coalition.ofr.services.listing import (  # noqa: F401
    case_ids_query,
    case_query,
    case_rows,
    kept_table_counts,
    ofr_tables_of,
    quality_query,
    row_query,
    shown_row,
    table_counts,
)
from coalition.ofr.services.records import (  # noqa: F401
    answer_request,
    overdue_requests,
    request_records,
    settings_of,
)
from coalition.ofr.services.selection import (  # noqa: F401
    add_criterion,
    criteria_of,
    criteria_with_answers,
    ensure_criteria,
    kept_criteria,
    kept_meeting_choices,
    meeting_choices,
    parse_answers,
    record_criteria,
    retire_criterion,
    select_for_meeting,
    selectable_meetings,
    update_settings,
)
from coalition.ofr.services.timeline import (  # noqa: F401
    add_touchpoint,
    entry_defaults,
    remove_touchpoint,
    timeline,
    timeline_agencies,
    touchpoint_count,
    update_touchpoint,
)
