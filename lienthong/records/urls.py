from django.urls import path

from lienthong.records import disposal_views, handover_views, statistics_views, views

app_name = "records"
urlpatterns = [
    path("", views.files, name="files"),
    path("mo/", views.file_open, name="file_open"),
    path("<int:case_file_id>/", views.file, name="file"),
    path("<int:case_file_id>/van-ban/", views.file_documents, name="file_documents"),
    path("<int:case_file_id>/van-ban/<int:document_id>/rut/", views.file_unfile, name="file_unfile"),
    path("<int:case_file_id>/ket-thuc/", views.file_close, name="file_close"),
    path("<int:case_file_id>/muc-luc.xlsx", views.file_index, name="file_index"),
    path("<int:case_file_id>/goi-ho-so.zip", views.file_package, name="file_package"),
    path("<int:case_file_id>/ho-so.pdf", views.file_pdf, name="file_pdf"),
    path("van-ban/<int:document_id>/", views.document_file, name="document_file"),
    path("tieu-huy/", disposal_views.proposals, name="disposal"),
    path("thong-ke/", statistics_views.page, name="statistics"),
    path("thong-ke.xlsx", statistics_views.workbook, name="statistics_export"),
    path("danh-muc/", views.plans, name="plans"),
    path("danh-muc/<int:plan_id>/", views.plan, name="plan"),
    path("danh-muc/cach-danh-so/<int:agency_id>/", views.numbering_set, name="numbering"),
    path("danh-muc/<int:plan_id>/de-muc/", views.plan_heading_add, name="plan_heading_add"),
    path("danh-muc/<int:plan_id>/ho-so/", views.plan_entry_add, name="plan_entry_add"),
    path("danh-muc/ho-so/<int:entry_id>/xoa/", views.plan_entry_delete, name="plan_entry_delete"),
    path("danh-muc/<int:plan_id>/phe-duyet/", views.plan_approve, name="plan_approve"),
    path("danh-muc/<int:plan_id>/ban-hanh/", views.plan_publish, name="plan_publish"),
    path("danh-muc/<int:plan_id>/nhap/", views.plan_import, name="plan_import"),
    path("danh-muc/<int:plan_id>/xuat.xlsx", views.plan_export, name="plan_export"),
    # Handover to the agency archive (records.handover)
    path("nop-luu/", handover_views.handovers, name="handovers"),
    path("nop-luu/<int:handover_id>/", handover_views.handover_page, name="handover"),
    path("nop-luu/<int:handover_id>/muc-luc.xlsx", handover_views.handover_list_xlsx, name="handover_list"),
    path("nop-luu/<int:handover_id>/bien-ban.pdf", handover_views.handover_record_pdf, name="handover_record"),
    path("nop-luu/ho-so/<int:case_file_id>/", handover_views.handover_decide, name="handover_decide"),
    path("luu-tru/", handover_views.archive, name="archive"),
    path("<int:case_file_id>/han-nop-luu/", handover_views.file_due, name="file_due"),
    path("<int:case_file_id>/giu-lai/", handover_views.file_keep, name="file_keep"),
    path("<int:case_file_id>/de-nghi-su-dung/", handover_views.usage_request, name="usage_request"),
    path("su-dung/<int:request_id>/duyet/", handover_views.usage_decide, name="usage_decide"),
    path("su-dung/<int:request_id>/ghi-so/", handover_views.usage_record, name="usage_record"),
    path("ban-giao/", handover_views.pass_on, name="pass_on"),
]
