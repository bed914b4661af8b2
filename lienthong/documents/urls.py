from django.urls import path

from lienthong.documents import print_views, views

# Included by lienthong.urls together with lienthong.web.urls (home, list, detail, registration) under
# this one namespace.
app_name = "documents"
urlpatterns = [
    path("van-ban/<int:document_id>/tep/<int:file_id>/", views.document_file, name="file"),
    path("van-ban/<int:document_id>/tep/<int:file_id>/in/", print_views.document_file_print, name="print"),
    path("van-ban/<int:document_id>/huy/", views.document_cancel, name="cancel"),
    path("van-ban/<int:document_id>/sieu-du-lieu/", views.document_metadata, name="metadata"),
    path("so-van-ban/", views.register_list, name="registers"),
    path("so-van-ban/<int:register_id>/in/", views.register_book, name="register_book"),
    path("so-van-ban/<int:register_id>/sieu-du-lieu/", views.register_metadata, name="register_metadata"),
]
