from django.contrib.auth import views as auth_views
from django.urls import path

from lienthong.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("phien/", views.sessions, name="sessions"),
    path("phien/ma-truy-cap/<int:token_id>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("phien/dang-nhap/<int:session_id>/thu-hoi/", views.session_revoke, name="session_revoke"),
    path("vi-tri/", views.position_switch, name="position_switch"),
    path("khoa-dang-nhap/", views.lockouts, name="lockouts"),
    path("khoa-dang-nhap/<int:throttle_id>/go-khoa/", views.lockout_lift, name="lockout_lift"),
]
