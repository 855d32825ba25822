"""The request plumbing every view uses, written once.

A view reads: load the object or 404 with the viewer's rights (:func:`load`), check what the
viewer may do (403), validate the form, then hand the service call to :func:`perform`, which
commits it — the change and its audit row together — or rolls it all back and shows the refusal
at the form's field. No view commits, rolls back or writes audit rows itself; reads of case data
that must be audited go through :func:`perform` as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, abort, flash, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from coalition.core.concurrency import EditConflict, conflict_rows, saved_values
from coalition.core.db import db
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.lists import (  # noqa: F401 - the lists' helpers, used as web.paginate...
    MAX_PAGE,
    BoundedPagination,
    CountedWithRowsPagination,
    RowPagination,
    page_number,
    paginate,
    paginate_grouped,
)

SIMULTANEOUS_MESSAGE = ("Someone saved a conflicting change at the same moment, so nothing of "
                        "yours was saved. Check the page and try again.")


def actor():
    """The signed-in user (the real object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def form_status() -> int:
    """200 for a form shown, 400 for a form sent back with errors."""
    return 400 if request.method == "POST" else 200


# --- loading ------------------------------------------------------------------------------------

def load(model, ident: int, *, view: Callable | None = None, act: Callable | None = None,
         options=None):
    """The row of ``model`` with id ``ident``.

    404 when there is none or when ``view(user, obj)`` is false (what a viewer may not see is not
    acknowledged); 403 when ``act(user, obj)`` is false (they may see it but not do this).
    """
    obj = db.session.get(model, ident, options=options)
    if obj is None or (view is not None and not view(actor(), obj)):
        abort(404)
    if act is not None and not act(actor(), obj):
        abort(403)
    return obj


def child_of(model, ident: int, parent_column: str, parent_id: int, *,
             hidden: Callable | None = None):
    """A row that must belong to a parent named in the same URL (an item of this meeting, a
    seat of this table...): 404 otherwise, or when ``hidden(obj)`` says the viewer may not see
    it."""
    obj = db.session.get(model, ident)
    if obj is None or getattr(obj, parent_column) != parent_id or (hidden and hidden(obj)):
        abort(404)
    return obj


def require(allowed: bool) -> None:
    """403 unless ``allowed``."""
    if not allowed:
        abort(403)


# --- saving -------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What became of a service call: ``ok`` with its ``value``, or the ``error`` shown."""

    ok: bool
    value: object = None
    error: ServiceError | None = None

    @property
    def conflict(self) -> bool:
        return isinstance(self.error, EditConflict)


def perform(action: Callable[[], object], form=None, *, thing: str = "record") -> Outcome:
    """Run one service call and commit what it did; or, when it refuses (or the database finds a
    simultaneous change), roll everything back and attach the message to ``form``'s field.

    A stale version found by the database is an :class:`EditConflict` about ``thing``.
    """
    try:
        value = action()
        db.session.commit()
    except ServiceError as error:
        return _refused(error, form)
    except StaleDataError:
        return _refused(EditConflict(thing), form)
    except IntegrityError:
        return _refused(ServiceError(SIMULTANEOUS_MESSAGE), form)
    return Outcome(True, value)


def _refused(error: ServiceError, form) -> Outcome:
    db.session.rollback()
    if form is not None:
        apply_to_form(form, error)
    return Outcome(False, error=error)


def perform_edit(action: Callable[[], object], form, *, thing: str,
                 reload: Callable[[], object], saved: Callable[[object], dict] | None = None
                 ) -> tuple[Outcome, list[dict] | None]:
    """An edit form's save. On a conflict, the record is read again (``reload``) and the
    conflict page's rows compare what is saved now (``saved(record)``, by default the form's
    fields read off it) with what was typed; the form then answers the newer version, so saving
    again is a deliberate choice. Returns the outcome and those rows (None without a conflict).
    """
    outcome = perform(action, form, thing=thing)
    if not outcome.conflict:
        return outcome, None
    record = reload()
    rows = conflict_rows(form, saved(record) if saved else saved_values(form, record))
    form.version_id.data = str(record.version_id)
    return outcome, rows


def edit_status(conflict) -> int:
    """409 for the conflict page, else as :func:`form_status`."""
    return 409 if conflict else form_status()


def perform_and_flash(action: Callable[[], object], success: str | Callable[[object], str],
                      *, thing: str = "record") -> Outcome:
    """A POST button without a form: commit and flash ``success``, or flash the refusal."""
    outcome = perform(action, thing=thing)
    if outcome.ok:
        flash(success(outcome.value) if callable(success) else success, "success")
    else:
        flash(outcome.error.message, "error")
    return outcome


# --- responses ----------------------------------------------------------------------------------

def no_store(response: Response) -> Response:
    """Pages and files with case data are never kept by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response


def download(body: str | bytes, filename: str, mimetype: str, *, inline: bool = False
             ) -> Response:
    """A file to save (or, ``inline``, to open in the browser), never cached."""
    if isinstance(body, str) and mimetype == "text/csv":
        body = "\ufeff" + body  # spreadsheets read UTF-8 when the file says so
    disposition = "inline" if inline else "attachment"
    if mimetype.startswith("text/") and "charset" not in mimetype:
        mimetype += "; charset=utf-8"
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return no_store(response)
