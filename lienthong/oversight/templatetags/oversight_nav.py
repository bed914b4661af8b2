from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def may_oversee(context) -> bool:
    """For the navigation bar: may the signed-in person open the usage dashboard?"""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not hasattr(request, "_may_oversee"):
        from lienthong.oversight.selectors import may_oversee as check

        request._may_oversee = check(user)
    return request._may_oversee
