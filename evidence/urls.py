from django.urls import path

from . import training_views, views

app_name = "evidence"

urlpatterns = [
    path("", views.library, name="library"),
    path("due/", views.due_for_review, name="due"),
    path("new/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/upload/", views.version_upload, name="version_upload"),
    path("<int:pk>/link/", views.document_link, name="document_link"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
    path("responses/<int:response_pk>/", views.response_documents, name="response_documents"),
    path("responses/<int:response_pk>/link/", views.response_link, name="response_link"),
    path("responses/<int:response_pk>/upload/", views.response_upload, name="response_upload"),
    path(
        "responses/<int:response_pk>/unlink/<int:document_pk>/",
        views.response_unlink,
        name="response_unlink",
    ),
    path("training/", training_views.training, name="training"),
    path("training/staff/new/", training_views.staff_create, name="staff_create"),
    path("training/staff/<int:pk>/", training_views.staff_edit, name="staff_edit"),
    path("training/staff/<int:pk>/records/", training_views.record_add, name="record_add"),
    path("training/records/<int:pk>/delete/", training_views.record_delete, name="record_delete"),
    path("training/import/", training_views.training_import_view, name="training_import"),
    path("training/template.csv", training_views.training_template, name="training_template"),
]
