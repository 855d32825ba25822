"""Gap register and recommendation verbs, and the queries their screens share.

Modules: ``register`` (gaps, links from missed opportunities, suggestions, merging, counts),
``matrix`` (stage × sector counts of missed opportunities over a period), ``recommendations``
(drafting, status updates, the committee's decision, progress, stalled), ``log`` (a
recommendation's status log as its page prints it), ``agenda`` (the
agenda subject and rule, the action-item source, the timeline panel). Every verb takes the
acting user, raises :class:`ServiceError` at the form field, writes its audit row and flushes;
the caller commits. Callers import from this package:
``from coalition.gaps import services as gaps``.
"""

from coalition.core.errors import ServiceError  # noqa: F401
from coalition.gaps.services.agenda import add_work_item, cases_of, work_items  # noqa: F401
from coalition.gaps.services.log import status_log  # noqa: F401
from coalition.gaps.services.recommendations import (  # noqa: F401
    CASE_SPECIFIC_WARNING,
    STATUS_VOCABULARY,
    create_recommendation,
    decide,
    is_stalled,
    post_update,
    progress_from,
    progress_of,
    recommendation_query,
    recommendation_rows_query,
    stalled_before,
    stalled_days,
    status_counts,
    status_rows,
    update_recommendation,
)
from coalition.gaps.services.register import (  # noqa: F401
    OPEN_STATUSES,
    create_gap,
    gap_choices,
    gap_counts,
    gap_list_query,
    gap_missed,
    gap_query,
    gap_rows,
    gaps_of_recommendation,
    link_missed,
    linked_gaps_of,
    links_of,
    merge_gaps,
    missed_counts,
    suggestions,
    unlink_missed,
    update_gap,
)
