"""Numbers the Vietnamese way (12.345; 98,6 %) and the "Nhiệm vụ" card of a document page."""

from __future__ import annotations

from django import template

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import position_agencies
from lienthong.followup import selectors

register = template.Library()


@register.filter
def vi_int(value) -> str:
    """12345 → "12.345" (None → "—")."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def vi_percent(value) -> str:
    """0.9862 → "98,6 %" (None → "—")."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


@register.inclusion_tag("followup/_panel.html", takes_context=True)
def tasks_panel(context, doc):
    """The tasks given in this document (those the reader sees), and the link to record more for the people of the
    agency holding it (văn thư, leaders, specialists)."""
    request = context["request"]
    held = position_agencies(user=request.user)
    may_record = doc.agency_id in held.all_ids and doc.status == "active" and selectors.may_record(
        user=request.user, agency_id=doc.agency_id)
    return {"doc": doc, "tasks": selectors.tasks_of_document(user=request.user, document_id=doc.pk),
            "may_record": may_record, "request": request, "roles": Role}
