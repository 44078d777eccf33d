"""Domain errors: what went wrong in a sentence, with the field it concerns and an API code."""

from typing import Optional


class DomainError(Exception):
    """A rule refused the operation; nothing it started is to be kept."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: Optional[str] = None, fields: Optional[dict[str, list[str]]] = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """One or more fields are missing or invalid; `fields` maps each to its messages."""

    status = 422
    code = "invalid"

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        return cls(message, fields={field: [message]})


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The operation conflicts with the current state (duplicate, already voted, poll not open...)."""

    status = 409
    code = "invalid_state"

    def __init__(self, message: str, *, code: str = "invalid_state", fields: Optional[dict[str, list[str]]] = None):
        super().__init__(message, code=code, fields=fields)
