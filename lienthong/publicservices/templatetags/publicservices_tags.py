from django import template

register = template.Library()


@register.filter
def percent(value):
    """A ratio 0–1 as a number 0–100 (for ``floatformat``); None stays None."""
    if value is None:
        return None
    return value * 100


@register.filter
def ratio(figures, key):
    """``figures.ratio(key)`` for a template."""
    return figures.ratio(key)
