from django.urls import path

from . import plan_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("checklist/update/", views.change_catalogue, name="change_catalogue"),
    path("item/<int:pk>/", views.item, name="item"),
    path("ref/<str:ref>/", views.item_by_ref, name="item_by_ref"),
    path("item/<int:pk>/answer-form/", views.item_form, name="item_form"),
    path("item/<int:pk>/comment/", views.comment, name="comment"),
    path("item/<int:pk>/use-training/", views.use_training, name="use_training"),
    path("item/<int:pk>/restore/<int:record>/", views.restore, name="restore"),
    path("warnings/", views.warnings, name="warnings"),
    path("plan/", plan_views.plan, name="plan"),
    path("plan/suggest/", plan_views.plan_suggest, name="plan_suggest"),
    path("plan/<int:pk>/", plan_views.action_edit, name="action_edit"),
    path("plan/<int:pk>/delete/", plan_views.action_delete, name="action_delete"),
    path("plan/<int:pk>/close/", plan_views.action_close, name="action_close"),
    path("approval/", views.approval, name="approval"),
    path("approval/review/", views.review, name="review"),
    path("approval/submit/", views.submit, name="submit"),
    path("approval/approve/", views.approve, name="approve"),
    path("approval/return/", views.return_, name="return"),
    path("approval/new-revision/", views.new_revision, name="new_revision"),
    path("approval/publication/", views.publication, name="publication"),
]
