"""Pages that combine the apps. No ``app_name``: ``lienthong.urls`` includes these patterns with those of
``lienthong.documents.urls`` under the one ``documents`` namespace, so the names (``documents:home``,
``documents:detail`` …) and the paths are what they were before the pages moved here."""

from django.urls import path

from lienthong.web import reports_home, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dem-viec/", views.nav_counts, name="nav_counts"),
    path("van-ban/", views.document_list, name="list"),
    path("van-ban/<int:document_id>/", views.document_detail, name="detail"),
    path("van-ban/dang-ky-di/", views.register_outgoing, name="register_outgoing"),
    path("van-ban/dang-ky-den/", views.register_incoming, name="register_incoming"),
    path("van-ban/goi-y-so/", views.number_completions, name="number_completions"),
    path("van-ban/chon-co-quan/", views.agency_picker, name="agency_picker"),
    path("bao-cao/", reports_home.reports_home, name="reports_home"),  # the reports' own pages: lienthong.reports
]
