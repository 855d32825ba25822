"""Fixtures for the core tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def new_client(app):
    """Another browser: a separate cookie jar (CSRF tokens added like ``client``)."""
    return app.test_client
