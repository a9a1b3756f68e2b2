from django.urls import path

from . import training_views, views

# Included under the "evidence" namespace with assessments/link_urls.py: see dspt_portal/urls.py.

urlpatterns = [
    path("", views.library, name="library"),
    path("due/", views.due_for_review, name="due"),
    path("new/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("archived/", views.archived, name="archived"),
    path("archived/<int:pk>/restore/", views.document_restore, name="document_restore"),
    path("<int:pk>/upload/", views.version_upload, name="version_upload"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
    path("training/", training_views.training, name="training"),
    path("training/staff/new/", training_views.staff_create, name="staff_create"),
    path("training/staff/<int:pk>/", training_views.staff_edit, name="staff_edit"),
    path("training/staff/<int:pk>/records/", training_views.record_add, name="record_add"),
    path("training/records/<int:pk>/delete/", training_views.record_delete, name="record_delete"),
    path("training/import/", training_views.training_import_view, name="training_import"),
    path("training/template.csv", training_views.training_template, name="training_template"),
]
