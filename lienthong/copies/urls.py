from django.urls import path

from lienthong.copies import views

app_name = "copies"
urlpatterns = [
    path("van-ban/<int:document_id>/sao/", views.copy_create, name="create"),
]
