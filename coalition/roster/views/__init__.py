"""Roster screens: organizations and their agreements, people, tables and their seats, coverage.

Who may reach each route is in ``core.permissions.ROUTES``; the views add the object checks
(``can_view_table``, ``can_manage_table``) and the one commit.

The ``roster`` blueprint lives in ``blueprint`` (with the request helpers the screens share);
importing the route modules registers their routes on it.
"""

from coalition.roster.views import organizations, people, tables  # noqa: F401 - register routes
from coalition.roster.views.blueprint import bp

__all__ = ["bp"]
