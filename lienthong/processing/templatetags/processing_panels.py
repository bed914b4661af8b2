"""The processing panel on an incoming document's page: its state, who it was submitted to, the
assignment tree with deadlines and progress, and the forms this user may use (submit, assign, hand
on inside a unit, notes and progress, completion with the reply, đôn đốc)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def handling_panel(context, document):
    """Rendered only on the page of a document the user already sees; "" when it has no handling."""
    from lienthong.processing.views import render_panel

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return render_panel(request, document)
