from django.urls import path

from lienthong.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("xuat.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("xuat.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("nhap/", views.import_agencies, name="import"),
]
