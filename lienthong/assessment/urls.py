"""Pages of the ranking: the campaign pages (``views.campaigns``) and the self-assessment and review pages
(``views.self_assessments``), under /xep-hang/."""

from lienthong.assessment.views import campaigns, self_assessments

app_name = "assessment"
urlpatterns = [*campaigns.urlpatterns, *self_assessments.urlpatterns]
