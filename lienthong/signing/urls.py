from lienthong.signing import views, views_verification

app_name = "signing"
urlpatterns = views.urlpatterns + views_verification.urlpatterns
