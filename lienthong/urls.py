from django.contrib import admin
from django.urls import include, path

from lienthong.api import api
from lienthong.documents import urls as documents_urls
from lienthong.web import urls as web_urls

urlpatterns = [
    # One namespace for the documents' own pages and the pages that combine apps (lienthong.web): the names
    # documents:home, documents:list, documents:detail … did not change when those pages moved.
    path("", include((web_urls.urlpatterns + documents_urls.urlpatterns, documents_urls.app_name))),
    path("", include("lienthong.copies.urls")),
    path("api/", api.urls),
    path("tai-khoan/", include("lienthong.accounts.urls")),
    path("co-quan/", include("lienthong.agencies.urls")),
    path("du-thao/", include("lienthong.drafting.urls")),
    path("lien-thong/", include("lienthong.delivery.urls")),
    path("xu-ly/", include("lienthong.processing.urls")),
    path("ho-so/", include("lienthong.records.urls")),
    path("thong-bao/", include("lienthong.notifications.urls")),
    path("ky-so/", include("lienthong.signing.urls")),
    path("giam-sat/", include("lienthong.oversight.urls")),
    path("gop-y/", include("lienthong.feedback.urls")),
    path("xep-hang/", include("lienthong.assessment.urls")),
    path("bao-cao/", include("lienthong.reports.urls")),
    path("khen-thuong/", include("lienthong.commendations.urls")),
    path("dich-vu-cong/", include("lienthong.publicservices.urls")),
    path("nhiem-vu/", include("lienthong.followup.urls")),
    path("huong-dan/", include("lienthong.web.guide_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lienthong.monitoring.urls")),  # /healthz, /readyz, /metrics
    path("quan-tri/", admin.site.urls),
]

# Vietnamese pages, or JSON under /api/ (lienthong.core.error_views); never Django's debug pages.
handler400 = "lienthong.core.error_views.bad_request"
handler403 = "lienthong.core.error_views.permission_denied"
handler404 = "lienthong.core.error_views.page_not_found"
handler500 = "lienthong.core.error_views.server_error"
