"""Pages of the ranking: the campaign pages (``views``) and the self-assessment and review pages
(``views_self``), under /xep-hang/."""

from lienthong.assessment import views, views_self

app_name = "assessment"
urlpatterns = [*views.urlpatterns, *views_self.urlpatterns]
