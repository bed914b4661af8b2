from lienthong.oversight import views

app_name = "oversight"
urlpatterns = views.urlpatterns
