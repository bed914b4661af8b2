"""The sender's tracking panel on an outgoing document's page (filled in by the delivery UI)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def delivery_tracking(context, document):
    return ""
