"""The one exception services raise when a business rule refuses an action."""


class ServiceError(Exception):
    """A rule was broken. ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def apply_to_form(form, error: ServiceError) -> bool:
    """Attach ``error`` to the matching form field; return False if it has no field on the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        form.form_errors.append(error.message)
        return False
    field.errors = list(field.errors) + [error.message]
    return True


def save_or_show(form, action):
    """Run one service call for ``form`` the way every view does: commit what it did, or roll it
    all back and show its :class:`ServiceError` at the form's field.

    Returns ``(True, result)`` after the commit, ``(False, error)`` when the rule refused.
    """
    from coalition.extensions import db

    try:
        result = action()
    except ServiceError as error:
        db.session.rollback()
        apply_to_form(form, error)
        return False, error
    db.session.commit()
    return True, result
