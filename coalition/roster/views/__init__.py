"""Roster screens: organizations and their agreements, people, tables and their seats, coverage.

Who may reach each route is in ``roster.permissions.ROUTES``; the views add the object checks
(``can_view_table``, ``can_manage_table``) and hand each change to ``core.web.perform``.

The ``roster`` blueprint lives in ``blueprint`` (with the helpers the screens share);
importing the route modules registers their routes on it.
"""

from coalition.roster.views import organizations, people, tables  # noqa: F401 - register routes
from coalition.roster.views.blueprint import bp

__all__ = ["bp"]
