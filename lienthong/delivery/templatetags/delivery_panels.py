"""The sender's tracking panel on an outgoing document's page: each recipient with its QCVN 102
status, recall outcome and full event history, and the recall form for those who may recall."""

from __future__ import annotations

from django import template

from lienthong.accounts import selectors as account_selectors
from lienthong.delivery import selectors
from lienthong.delivery.models import DeliveryState, RecallState
from lienthong.documents.models import Direction, DocumentStatus

register = template.Library()


@register.inclusion_tag("delivery/_tracking.html", takes_context=True)
def delivery_tracking(context, document):
    """Two queries for the deliveries and their events (``deliveries_of``), one for the user's
    positions when there is something to recall; nothing per recipient."""
    request = context.get("request")
    deliveries = selectors.deliveries_of(document=document) if document.direction == Direction.OUTGOING else []
    rows, counts, recall = [], {}, {}
    for d in deliveries:
        events = list(d.events.all())
        for e in events:  # the sender reads the recipient agency, never the names of its people (issue 11)
            e.shown_party = e.party(d.recipient_agency.name)
        rows.append({"d": d, "events": events, "last": events[-1] if events else None})
        counts[d.state] = counts.get(d.state, 0) + 1
        if d.recall_state:
            recall[d.recall_state] = recall.get(d.recall_state, 0) + 1
    can_recall = False
    if rows and document.status == DocumentStatus.ACTIVE and request is not None:
        held = account_selectors.position_agencies(user=request.user)
        can_recall = document.agency_id in held.full_ids
    return {
        "doc": document, "rows": rows, "csrf_token": context.get("csrf_token"), "can_recall": can_recall,
        "chips": [{"state": s.value, "label": s.label.lower(), "n": counts[s.value]} for s in DeliveryState
                  if counts.get(s.value)],
        "recall": [{"state": s.value, "label": s.label, "n": recall[s.value]} for s in RecallState
                   if s.value and recall.get(s.value)],
        "recalled": document.status == DocumentStatus.RECALLED,
        "done": counts.get(DeliveryState.DONE, 0),
    }


@register.inclusion_tag("delivery/_withdrawal_notice.html")
def withdrawal_notice(document):
    """On a copy withdrawn after a recall (NĐ30 Art. 18.4; PL6 §III.8): who asked for it back, when and
    why, and who agreed — what stays of it, with its record and log (two queries)."""
    return {"doc": document, **selectors.withdrawal_of(incoming_document_id=document.pk)}
