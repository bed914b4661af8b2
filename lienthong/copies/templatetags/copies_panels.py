"""The "Bản sao" card of a document page: the copies made from it, or what it is a copy of."""

from django import template

from lienthong.accounts import selectors as account_selectors
from lienthong.copies import selectors

register = template.Library()


@register.inclusion_tag("copies/_panel.html", takes_context=True)
def copies_panel(context, doc):
    user = context["request"].user
    return {
        "doc": doc,
        "copies": selectors.copies_of(user=user, document=doc),
        "source": selectors.copy_source(user=user, document=doc),
        "can_copy": doc.status == "active" and doc.secrecy == "normal"
        and account_selectors.user_can_register_in(user=user, agency_id=doc.agency_id),
    }
