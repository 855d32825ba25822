"""The signed-in person's notifications: the list, and marking them all read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from coalition.core import notifications, web
from coalition.core.fields import Form

notifications_bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkReadForm(Form):
    """A POST with its CSRF token and nothing else."""


@notifications_bp.get("")
def notification_list():
    viewer = web.actor()
    page = (web.paginate(notifications.recent_query(viewer.person_id), count_with_rows=True)
            if viewer.person_id is not None else None)
    return render_template("notifications/list.html", page=page,
                           unread=notifications.unread_count(),
                           form=MarkReadForm(formdata=None))


@notifications_bp.post("/read")
def mark_all_read():
    if not MarkReadForm().validate_on_submit():
        flash("The form expired: try again.", "warning")
        return redirect(url_for(".notification_list"))
    outcome = web.perform(lambda: notifications.mark_all_read(web.actor()))
    count = outcome.value or 0
    flash(f"{count} notification{'' if count == 1 else 's'} marked read.", "success")
    return redirect(url_for(".notification_list"))
