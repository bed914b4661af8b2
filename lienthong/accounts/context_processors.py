from lienthong.accounts.selectors import active_positions


def current_positions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_positions": lambda: list(active_positions(user=user).select_related("agency"))}
