"""The gaps blueprint: the register, the matrix, recommendations and the committee's view."""

from flask import Blueprint

bp = Blueprint("gaps", __name__)

from coalition.gaps.views import (  # noqa: E402, F401
    committee,
    matrix,
    recommendations,
    register,
)
