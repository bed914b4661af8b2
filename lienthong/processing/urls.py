from lienthong.processing import views

app_name = "processing"
urlpatterns = views.urlpatterns
