"""The "Hồ sơ" card of a document page: the files the reader sees that hold it, and filing it into one of the
reader's open files."""

from django import template

from lienthong.records import selectors

register = template.Library()


@register.inclusion_tag("records/_panel.html", takes_context=True)
def records_panel(context, doc):
    request = context["request"]
    user = request.user
    return {
        "doc": doc, "request": request, "csrf_token": context.get("csrf_token"),
        "files": selectors.files_of_document(user=user, document_id=doc.pk),
        "open_files": list(selectors.open_files_of(user=user, agency_id=doc.agency_id))
        if doc.status != "withdrawn" else [],
        "may_open": selectors.holds_position_in(user=user, agency_id=doc.agency_id),
    }
