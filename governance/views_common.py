"""Helpers the HTML views share: copying a domain error into a form."""

from flask_wtf import FlaskForm

from governance.errors import DomainError


def errors_into_form(form: FlaskForm, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put each message of a domain error next to its field, or above the form when it names none."""
    aliases = aliases or {}
    placed = False
    for field, messages in error.fields.items():
        target = getattr(form, aliases.get(field, field), None)
        if target is not None and hasattr(target, "errors"):
            if isinstance(target.errors, tuple):
                target.errors = list(target.errors)
            target.errors.extend(m for m in messages if m not in target.errors)
            placed = True
    if not placed:
        form.form_errors.append(error.message)
