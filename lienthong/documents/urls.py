from django.urls import path

from lienthong.documents import print_views, views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("van-ban/", views.document_list, name="list"),
    path("van-ban/<int:document_id>/", views.document_detail, name="detail"),
    path("van-ban/<int:document_id>/tep/<int:file_id>/", views.document_file, name="file"),
    path("van-ban/<int:document_id>/tep/<int:file_id>/in/", print_views.document_file_print, name="print"),
    path("van-ban/<int:document_id>/huy/", views.document_cancel, name="cancel"),
    path("van-ban/<int:document_id>/sieu-du-lieu/", views.document_metadata, name="metadata"),
    path("van-ban/dang-ky-di/", views.register_document, {"direction": "out"}, name="register_outgoing"),
    path("van-ban/dang-ky-den/", views.register_document, {"direction": "in"}, name="register_incoming"),
    path("so-van-ban/", views.register_list, name="registers"),
    path("so-van-ban/<int:register_id>/in/", views.register_book, name="register_book"),
    path("so-van-ban/<int:register_id>/sieu-du-lieu/", views.register_metadata, name="register_metadata"),
]
