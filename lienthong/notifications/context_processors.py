from functools import cache

from lienthong.notifications.selectors import unread_count


def unread(request):
    """``unread_notifications``: the signed-in person's unread count, for the nav badge.

    A callable, so the COUNT query runs only on pages whose template reads it, and at most once per
    page however many times the template does.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": cache(lambda: unread_count(user=user))}
