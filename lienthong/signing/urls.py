from lienthong.signing import views

app_name = "signing"
urlpatterns = views.urlpatterns
