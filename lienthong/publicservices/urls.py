from lienthong.publicservices import views

app_name = "publicservices"
urlpatterns = views.urlpatterns
