"""The notifications page and the "mark read" actions: thin, they call selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lienthong.core.errors import NotFound
from lienthong.notifications import selectors, services

PAGE_SIZE = 30
# Shown after "mark all read": ``MARKED_ALL_READ % {"count": n}`` picks the plural form.
MARKED_ALL_READ = ngettext_lazy("Đã đánh dấu %(count)d thông báo là đã đọc.",
                                "Đã đánh dấu %(count)d thông báo là đã đọc.", "count")


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("chua-doc") == "1"
    qs = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "unread_only": unread_only, "querystring": "chua-doc=1&" if unread_only else "",
    })


def _mark_read(request, notification_id):
    try:
        return services.notification_mark_read(user=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404(_("Không tìm thấy thông báo.")) from None


def _safe_local(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure())


@login_required
@require_GET
def notification_open(request, notification_id):
    """Follow a notification's link, marking it read on the way (what a click on its title does)."""
    notification = _mark_read(request, notification_id)
    if _safe_local(request, notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = _mark_read(request, notification_id)
    if request.headers.get("HX-Request"):
        # The row, plus the nav badge swapped out-of-band so the count stays right.
        return render(request, "notifications/_row.html", {"n": notification, "oob_badge": True})
    next_url = request.POST.get("next", "")
    return redirect(next_url if _safe_local(request, next_url) else "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, MARKED_ALL_READ % {"count": count})
    return redirect("notifications:list")
