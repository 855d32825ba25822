"""Gaps and recommendations permissions: the routes, and who may change what.

The register, the matrix and the recommendations are coalition business: every signed-in user
reads them, without any case detail (a case's code and link are shown only to the people seated
at the team that reviewed it). Coordinators and the managers of the coalition and fatality review
tables keep the register and draft recommendations; a recommendation's table managers and its
lead person post its status updates; leaders and coordinators — the governing committee — record
its decision.
"""

from __future__ import annotations

from coalition.core.permissions import LEADER, LOGIN, has_level, is_signed_in
from coalition.roster import seats
from coalition.roster.permissions import can_manage_table

GAP_TABLE_KINDS = ("coalition", "ofr")

ROUTES = {
    "gaps.gap_list": (LOGIN, "the gap register, with counts"),
    "gaps.gap_new": (LOGIN, "record a gap: can_keep_register (403)"),
    "gaps.gap_detail": (LOGIN, "a gap, its history and missed opportunities (case codes only "
                               "for the case's team)"),
    "gaps.gap_edit": (LOGIN, "correct a gap or its status: can_keep_register (403)"),
    "gaps.gap_merge": (LOGIN, "merge a gap into another (POST): can_keep_register (403)"),
    "gaps.missed_link": (LOGIN, "link a missed opportunity to a gap, or to a new one (POST): "
                                "can_view_case (404), can_build_timeline (403)"),
    "gaps.missed_unlink": (LOGIN, "unlink it (POST): can_view_case (404), can_build_timeline "
                                  "(403)"),
    "gaps.matrix": (LOGIN, "stage × sector heat map of missed opportunities over a period"),
    "gaps.matrix_cell": (LOGIN, "one cell's gaps, and its cases for their team only"),
    "gaps.recommendation_list": (LOGIN, "the governing committee's view of recommendations"),
    "gaps.recommendation_new": (LOGIN, "draft a recommendation: can_draft (403)"),
    "gaps.recommendation_detail": (LOGIN, "a recommendation, its log and work plan"),
    "gaps.recommendation_edit": (LOGIN, "correct it: can_manage_recommendation (403)"),
    "gaps.recommendation_update": (LOGIN, "post a dated status update (POST): "
                                          "can_update_recommendation (403)"),
    "gaps.recommendation_decide": (LEADER, "the governing committee's decision (POST)"),
    "gaps.recommendation_action_add": (LOGIN, "an action item of its work plan (POST): "
                                              "can_manage_recommendation (403)"),
}


def _manages_a_review_table(user) -> bool:
    return any(can_manage_table(user, table) for kind in GAP_TABLE_KINDS
               for table in seats.tables_of(user, kind))


def can_keep_register(user) -> bool:
    """Coordinators, and the managers of the coalition and fatality review tables."""
    return is_signed_in(user) and (user.is_coordinator or _manages_a_review_table(user))


def can_draft(user) -> bool:
    return can_keep_register(user)


def can_manage_recommendation(user, recommendation) -> bool:
    """Coordinators and the managers of the recommendation's table."""
    return recommendation is not None and can_manage_table(user, recommendation.table)


def can_update_recommendation(user, recommendation) -> bool:
    """Its managers, and its lead person (who reports on the work)."""
    if can_manage_recommendation(user, recommendation):
        return True
    person_id = getattr(user, "person_id", None)
    return (recommendation is not None and person_id is not None
            and recommendation.lead_person_id == person_id)


def can_decide(user) -> bool:
    """The governing committee: leaders and coordinators."""
    return has_level(user, LEADER)
