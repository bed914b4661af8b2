"""The administration site (/quan-tri/): titled for the product and its models grouped by the task an
administrator comes for, rather than by the app that happens to hold them (issue 18).

Django's stock site groups models by app and titles itself "Trang quản trị cho Django". ``LienThongAdminSite``
keeps everything else of the stock site (``admin.site`` is this site: ``AdminConfig.default_site``); only the
index and the side bar list the models in ``TASK_GROUPS``, and the job queue's models (django-q2, which ships no
Vietnamese) get Vietnamese names here. An app's own page (/quan-tri/<app>/) is unchanged. No app is imported:
apps are named by label."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _

SITE_HEADER = _("Quản trị Liên Thông")

# (section, app labels in the order their models are listed). Apps not named here come last, under "Khác".
TASK_GROUPS = [
    (_("Người dùng, cơ quan và thẩm quyền"), ["accounts", "auth", "agencies", "authority"]),
    (_("Văn bản, xử lý và hồ sơ"), ["documents", "drafting", "delivery", "processing", "records", "workcalendar"]),
    (_("Chữ ký số và chứng thư số"), ["signing"]),
    (_("Liên thông với hệ thống khác"), ["exchange"]),
    (_("Đánh giá, xếp hạng và dịch vụ công"), ["assessment", "publicservices", "commendations", "oversight"]),
    (_("Vận hành hệ thống"), ["monitoring", "feedback", "django_q", "audit", "backups"]),
]
OTHERS = _("Khác")

# Models of third-party apps without a Vietnamese catalogue: (app label, object name) → name shown.
MODEL_NAMES = {
    ("django_q", "Failure"): _("Việc chạy nền bị lỗi"),
    ("django_q", "Success"): _("Việc chạy nền thành công"),
    ("django_q", "Schedule"): _("Lịch chạy việc nền"),
    ("django_q", "OrmQ"): _("Việc nền đang chờ chạy"),
}


class LienThongAdminSite(admin.AdminSite):
    site_header = SITE_HEADER
    site_title = SITE_HEADER
    index_title = _("Quản trị hệ thống")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            for model in app["models"]:
                name = MODEL_NAMES.get((app["app_label"], model["object_name"]))
                if name is not None:
                    model["name"] = name
        if app_label is not None:
            return apps
        by_label = {app["app_label"]: app for app in apps}
        out = []
        named = set()
        for title, labels in TASK_GROUPS:
            members = [by_label[label] for label in labels if label in by_label]
            named.update(labels)
            if members:
                out.append(_section(title, members))
        rest = [app for app in apps if app["app_label"] not in named]
        if rest:
            out.append(_section(OTHERS, rest))
        return out


def _section(title, members: list[dict]) -> dict:
    """One group of the index: the models of ``members`` in their order, under ``title``; its link is the first
    app's page."""
    first = members[0]
    return {**first, "name": title, "models": [m for app in members for m in app["models"]]}


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` with ``LienThongAdminSite`` as ``admin.site`` (INSTALLED_APPS)."""

    default_site = "lienthong.core.admin_site.LienThongAdminSite"
