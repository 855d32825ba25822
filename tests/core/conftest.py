"""Fixtures for the core tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", name="Casey Coordinator")


@pytest.fixture
def as_coordinator(client, login, coordinator):
    """The shared ``client``, signed in as a coordinator."""
    return login(coordinator)


@pytest.fixture
def new_client(app):
    """Another browser: a separate cookie jar (CSRF tokens added like ``client``)."""
    return app.test_client
