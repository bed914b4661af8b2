from lienthong.drafting import views

app_name = "drafting"
urlpatterns = views.urlpatterns
