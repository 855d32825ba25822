"""Request hooks, security headers and error pages."""

from __future__ import annotations

from flask import Flask, flash, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from coalition.core import auth, permissions
from coalition.core.db import MAX_RECORD_ID, end_read_only_transaction
from coalition.extensions import db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)

SESSION_END_MESSAGES = {
    "idle": "You were signed out for inactivity. Please sign in again.",
    "expired": "Your session reached its maximum length and ended. Please sign in again.",
}

ERROR_TEXT = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is too large: at most 1 MB (a file to import: its "
                       "own limit, shown on the import page). "
                       "Nothing was saved."),
    429: ("Too many attempts", "Too many attempts. Wait a few minutes and try again."),
    500: ("Something went wrong", "The error has been logged. Nothing you entered was half-saved."),
}


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a record id from 1 up to what the database can hold.

    Anything else (0, a number too large for the column, digits of other scripts) matches no
    route, so it is a 404 page rather than a database error.
    """

    regex = r"[0-9]+"  # ASCII digits only: "١" (an Arabic-Indic one) is not meeting 1

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's argument name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _access():
        response = permissions.enforce_route_access()
        reason = g.get("session_end_reason")
        if reason in SESSION_END_MESSAGES:
            flash(SESSION_END_MESSAGES[reason], "warning")
        return response

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint not in ("static", "bootstrap.static"):
            headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def _session_activity(response):
        auth.record_session_activity()
        return response

    @app.teardown_request
    def _end_transaction(exc):
        # a transaction still open here has read only, or failed: a POST's is what it read after
        # its commit (the saved record reloaded for the message and the redirect), and ending
        # that with ROLLBACK made the driver forget its prepared statements (one write in ten
        # made every query of the next requests parsed and planned again)
        if exc is not None:
            db.session.rollback()
            return
        try:
            end_read_only_transaction()
        except SQLAlchemyError:  # the page was answered; its reads need no saving
            db.session.rollback()


def register_error_pages(app: Flask) -> None:
    def render_error(code: int, message: str | None = None):
        title, text = ERROR_TEXT.get(code, (f"Error {code}", "The request could not be completed."))
        return render_template("errors/error.html", code=code, title=title,
                               text=message or text), code

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, "The form expired or was sent without its security token. "
                                 "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error):
        db.session.rollback()
        if app.testing and not app.config.get("TESTING_RENDER_500"):
            raise error
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
