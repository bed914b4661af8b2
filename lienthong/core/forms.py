"""Showing a service's refusal on a Django form (one helper for every app's pages)."""

from __future__ import annotations

from django import forms

from lienthong.core.errors import DomainError, ValidationFailed


def add_domain_errors(form: forms.BaseForm, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Put ``exc`` on ``form``: each message of a ``ValidationFailed`` next to the field it names (``aliases``
    maps a service's field name to the form's), or above the form when the form has no such field; any other
    domain error (state, permission, duplicate) above the form."""
    if not isinstance(exc, ValidationFailed):
        form.add_error(None, str(exc.message))
        return
    for name, messages in exc.errors.items():
        name = (aliases or {}).get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
