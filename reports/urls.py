from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("request/", views.report_request, name="request"),
    path("<int:pk>/", views.report_status, name="status"),
    path("<int:pk>/retry/", views.report_retry, name="retry"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("submission-pack/", views.submission_pack, name="pack"),
    path("checklist.xlsx", views.export_xlsx, name="export_xlsx"),
    path("checklist.csv", views.export_csv, name="export_csv"),
    path("import/", views.checklist_import, name="import"),
    path("import/confirm/", views.checklist_import_confirm, name="import_confirm"),
    path("badge/", views.badge_change, name="badge"),
    path("everything.zip", views.organisation_everything, name="everything"),
]
