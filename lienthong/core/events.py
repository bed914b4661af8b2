"""Cross-app events: how a lower app announces something that higher apps act upon.

The apps sit in layers (docs/architecture.md) and import only downwards. When something happens in a lower
app that a higher app must follow up — a stored PDF the signing app verifies, delivered documents whose legal
validity it recomputes, an incoming registration that opens a handling — the lower app emits a named event
and the higher app subscribes to it in its ``AppConfig.ready()``. The lower app never learns who listens.

Two ways to emit, chosen by the emitter according to what the follow-up must guarantee:

- ``emit``: the handlers run now, inside the caller's transaction. A failing handler rolls the whole write
  back. Use it when the follow-up belongs to the same unit of work (the search entry of a registered
  document).
- ``emit_on_commit``: the handlers run once the current transaction has committed (at once outside a
  transaction). Use it for side effects that must not run for a write that is rolled back (queueing a
  verification job, notifications).

This is deliberately not ``django.dispatch.Signal``: the names are a closed list written here, so
``git grep`` finds every emitter and subscriber of an event, and a typo fails loudly instead of silently
connecting nothing (style.md 10: signals only for upkeep, business steps called explicitly).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

#: Originals were stored. Payload: ``stored_file_ids: list[int]`` (the PDFs among them).
FILE_STORED = "file_stored"
#: Documents went out through the system to recipients. Payload: ``document_ids: list[int]``.
DOCUMENTS_DELIVERED = "documents_delivered"
#: A document's searchable content changed: registered, its text extracted, withdrawn or cancelled.
#: Payload: ``document_id: int``. Emitted inside the transaction, so the search entry commits with the row.
DOCUMENT_CHANGED = "document_changed"
#: A recipient's văn thư registered a delivered document (số đến). Payload: ``document_id: int`` (the new incoming
#: document), ``delivery_id: int``. Emitted inside the registering transaction: what follows (its handling) commits
#: or rolls back with the record.
DELIVERY_REGISTERED = "delivery_registered"
#: A recipient agreed to a recall (NĐ30 Art. 18.4): its copy is withdrawn. Payload: ``document_id: int`` (the
#: recipient's incoming copy), ``actor_id: int`` (who agreed), ``sender_name: str`` (the recalling agency).
#: Emitted inside the answering transaction, so the copy's open work closes with it.
DOCUMENT_WITHDRAWN = "document_withdrawn"
#: A part of an incoming document's handling was completed (processing). Payload: ``assignment_id: int``,
#: ``document_id: int`` (the incoming document), ``user_id: int`` (who completed it), ``is_lead: bool``,
#: ``reply_document_id: int | None``. Emitted inside the completing transaction.
ASSIGNMENT_COMPLETED = "assignment_completed"

#: A clerk is about to change a registered document (cancel it, attach or replace its files). Payload:
#: ``document_id: int``. Emitted before the change, inside its transaction: a subscriber that must keep the
#: document as it is (the exchange gateway while the document is in transit to another system) raises
#: ``ValidationFailed`` with the reason, and nothing changes.
DOCUMENT_CHANGING = "document_changing"

#: Documents became, or stopped being, legally valid electronic documents (QĐ 28/2018; the signing app decides,
#: the documents app records). Payload: ``document_ids: list[int]``. Emitted once the change has committed.
DOCUMENTS_VALIDITY_CHANGED = "documents_validity_changed"

# Add a new event here with a comment giving its payload; emitters and subscribers use the constant.
EVENTS = frozenset({FILE_STORED, DOCUMENTS_DELIVERED, DOCUMENT_CHANGED, DELIVERY_REGISTERED, DOCUMENT_WITHDRAWN,
                    ASSIGNMENT_COMPLETED, DOCUMENT_CHANGING, DOCUMENTS_VALIDITY_CHANGED})

Handler = Callable[..., Any]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def _known(event: str) -> str:
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event!r}; add it to lienthong.core.events.EVENTS")
    return event


def subscribe(event: str, handler: Handler) -> None:
    """Register ``handler`` for ``event`` (idempotent: the same handler is kept once)."""
    handlers = _handlers[_known(event)]
    if handler not in handlers:
        handlers.append(handler)


def subscribers(event: str) -> tuple[Handler, ...]:
    return tuple(_handlers[_known(event)])


def emit(event: str, **payload: Any) -> None:
    """Run every handler of ``event`` now, in subscription order, inside the caller's transaction."""
    for handler in subscribers(event):
        handler(**payload)


def emit_on_commit(event: str, **payload: Any) -> None:
    """Run every handler of ``event`` after the current transaction commits (nothing if it rolls back)."""
    _known(event)
    transaction.on_commit(lambda: emit(event, **payload))
