"""A recommendation's status log as its page prints it: plain rows, not ORM objects."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select

from coalition.core.models import User, VocabTerm
from coalition.extensions import db
from coalition.gaps.models import RecommendationUpdate


def status_log(recommendation_id: int) -> list:
    """The recommendation's dated updates in the order of ``Recommendation.updates`` (newest
    first) as rows (updated_on, status_label, note, user_name: None without an author), in one
    query."""
    return db.session.execute(_status_log_statement(),
                              {"recommendation_id": recommendation_id}).all()


@cache
def _status_log_statement():
    """Built once (the id is a bound parameter)."""
    return (select(RecommendationUpdate.updated_on, VocabTerm.label.label("status_label"),
                   RecommendationUpdate.note, User.name.label("user_name"))
            .join(VocabTerm, VocabTerm.id == RecommendationUpdate.status_id)
            .outerjoin(User, User.id == RecommendationUpdate.user_id)
            .where(RecommendationUpdate.recommendation_id == bindparam("recommendation_id"))
            .order_by(RecommendationUpdate.updated_on.desc(), RecommendationUpdate.id.desc()))
