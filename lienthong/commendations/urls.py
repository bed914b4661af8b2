from lienthong.commendations import views

app_name = "commendations"
urlpatterns = views.urlpatterns
