"""Results kept per worker process until the data changes.

Choices for filters and forms (organizations, people, sectors, tables) change rarely but were
read from the database on every request. ``kept(name, key, build)`` returns what ``build()``
returned for the same name and key at the current data generation (core.generation), read with
the signed-in user's session at no extra query. A change committed by anyone, in any process,
raises the generation, so nothing kept is ever shown after the data it came from changed. While
the request's own transaction holds uncommitted changes, ``build()`` is called and nothing is
kept.

Keep only what any viewer who reaches the calling code may see (vocabularies, rosters, names):
case material is never kept here. ``key`` must hold whatever the result depends on besides
the data (the viewer's id, when the result depends on who asks).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from cachetools import LRUCache
from flask import current_app

from coalition.core.generation import current_generation, has_pending_changes

T = TypeVar("T")
KEPT_RESULTS = 4096  # per process; the least recently used go first
_LOCK = Lock()


def _store(app) -> tuple[list[int], LRUCache]:
    with _LOCK:
        store = app.extensions.get("kept_results")
        if store is None:
            store = app.extensions["kept_results"] = ([-1], LRUCache(KEPT_RESULTS))
        return store


def kept(name: str, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, or what it returned at this data generation for ``(name, key)``."""
    app = current_app._get_current_object()
    if has_pending_changes():
        return build()
    generation = current_generation()
    seen, results = _store(app)
    with _LOCK:
        if seen[0] != generation:  # older results can never be asked for again
            results.clear()
            seen[0] = generation
        found = results.get((name, key), _MISSING)
    if found is not _MISSING:
        return found
    value = build()
    with _LOCK:
        if seen[0] == generation:
            results[(name, key)] = value
    return value


_MISSING = object()
