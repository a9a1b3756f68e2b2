from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("checklist/update/", views.change_catalogue, name="change_catalogue"),
    path("item/<int:pk>/", views.item, name="item"),
    path("item/<int:pk>/comment/", views.comment, name="comment"),
    path("warnings/", views.warnings, name="warnings"),
    path("approval/", views.approval, name="approval"),
    path("approval/submit/", views.submit, name="submit"),
    path("approval/approve/", views.approve, name="approve"),
    path("approval/return/", views.return_, name="return"),
    path("approval/new-revision/", views.new_revision, name="new_revision"),
    path("approval/publication/", views.publication, name="publication"),
]
