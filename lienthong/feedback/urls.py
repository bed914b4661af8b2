from lienthong.feedback import views

app_name = "feedback"
urlpatterns = views.urlpatterns
