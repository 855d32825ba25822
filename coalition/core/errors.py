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
