from lienthong.oversight import feedback_views, views

app_name = "oversight"
urlpatterns = views.urlpatterns + feedback_views.urlpatterns
