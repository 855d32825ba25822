"""gunicorn settings, read by ``gunicorn wsgi:app`` started in the project folder.

Command-line options win over these (``--workers 5``). WEB_CONCURRENCY sets the worker count;
with PostgreSQL each worker holds at most COALITION_DATABASE_POOL_SIZE +
COALITION_DATABASE_MAX_OVERFLOW connections (2 + 3 by default; see the README's Production
section).
"""

import gc
import os

bind = os.environ.get("COALITION_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = 120


def post_worker_init(worker):
    """Once the worker has loaded the app, move everything alive into the permanent generation:
    full collections then stop walking start-up objects, which showed as 50-130 ms pauses on
    cheap pages."""
    gc.collect()
    gc.freeze()
