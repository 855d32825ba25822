"""Fixtures for the roster tests: the shared ``coordinator`` and ``as_coordinator`` come from the
root ``conftest.py``."""
