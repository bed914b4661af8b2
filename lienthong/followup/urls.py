from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("", views.task_queue, name="queue"),
    path("theo-doi/", views.task_index, name="index"),
    path("thong-ke/", views.dashboard, name="dashboard"),
    path("thong-ke/danh-sach/", views.drill_down, name="drill_down"),
    path("thong-ke.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("thong-ke.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("van-ban/<int:document_id>/ghi-nhan/", views.task_record_view, name="record"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/thao-tac/<str:action>/", views.task_action, name="action"),
    path("<int:task_id>/bao-cao/<int:report_id>/tep/", views.report_file, name="report_file"),
    path("don-doc/", views.chase, name="chase"),
]
