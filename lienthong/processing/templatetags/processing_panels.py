"""The processing panel on an incoming document's page (filled in by the processing UI)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def handling_panel(context, document):
    return ""
