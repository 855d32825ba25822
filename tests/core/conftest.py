"""Fixtures for the core tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def new_client(app):
    """Another browser: a separate cookie jar (CSRF tokens added like ``client``)."""
    return app.test_client


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No COALITION_* or secret variables from the environment; the instance in tmp_path."""
    for name in list(os.environ):
        if name.startswith("COALITION_") or name in ("DATABASE_URL", "SECRET_KEY", "IDENTITY_KEY",
                                                     "FLASK_DEBUG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(tmp_path))
    return monkeypatch
