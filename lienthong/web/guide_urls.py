"""The user guide, /huong-dan/ (``web.guide``): readable without signing in (it holds no data of anyone's)."""

from django.urls import path

from lienthong.web import views

app_name = "guide"
urlpatterns = [
    path("", views.guide_index, name="index"),
    path("anh/<str:name>", views.guide_image, name="image"),
    path("<slug:slug>/", views.guide_page, name="page"),
]
