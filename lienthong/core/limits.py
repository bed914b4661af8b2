"""How long free text typed by users may be, in one place for forms, API schemas and services.

Each limit matches the column the text is stored in (or, for text kept only in the audit log and in
notifications, the longest a reader needs). Forms pass ``TOO_LONG`` as their ``max_length`` message; the
API maps pydantic's ``string_too_long`` to the same sentence; services call ``check_max_length`` for input
that reaches them without a form (and as the last guard), so over-long text is refused with a message,
never cut silently.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed

# A short label-like note: version notes of a draft, reasons for a separate ranking or an exclusion.
SHORT_NOTE_MAX_LENGTH = 500
# Notes on a record: document notes ("ghi chú"), a registration note, a chase message.
NOTE_MAX_LENGTH = 1000
# Reasons: cancelling a document, returning, recalling or refusing a recall, returning or abandoning a
# draft, adjusting a score, a clerk's proposal when submitting (delivery.Delivery.reason is 2000 long).
REASON_MAX_LENGTH = 2000
# Opinions and progress: comments on a draft, notes on a step, progress notes and results of an assignment,
# explanations of a self-assessment, review notes.
COMMENT_MAX_LENGTH = 4000

# The message of a form field over its limit (Django fills in the numbers).
TOO_LONG = gettext_lazy("Tối đa %(limit_value)d ký tự (đang có %(show_value)d).")


def too_long_message(value: str, limit: int) -> str | None:
    """The Vietnamese message when ``value`` is longer than ``limit`` characters, else None."""
    if value is not None and len(value) > limit:
        return TOO_LONG % {"limit_value": limit, "show_value": len(value)}
    return None


def check_max_length(*, field: str, value: str, limit: int) -> None:
    """``ValidationFailed`` under ``field`` when ``value`` is over ``limit`` characters."""
    message = too_long_message(value, limit)
    if message:
        raise ValidationFailed({field: [message]})
