"""Domain errors with a stable code, shared by every app's services."""


class DomainError(Exception):
    """A rule refused the request; the caller can fix it and try again."""

    code = "error"
    status_code = 400
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, code: str | None = None, fields=None):
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        self.fields = fields or {}
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_message = "The request conflicts with the current state."
