from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lienthong.documents.urls")),
    path("tai-khoan/", include("lienthong.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]
