"""Pages outside any organisation: how complete the checklist is and how to load the
official one (linked from every output that shows a projected outcome)."""

from django.urls import path

from . import views

app_name = "assessments_help"

urlpatterns = [
    path("help/checklist/", views.checklist_help, name="checklist"),
]
