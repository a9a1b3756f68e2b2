from django.urls import path

from . import views

# Included under the "organisations" namespace together with dashboards/urls.py (the home
# page, the portfolio and the platform overview keep their organisations:… names): see
# dspt_portal/urls.py.
urlpatterns = [
    path("", views.landing, name="landing"),
    path("orgs/", views.chooser, name="chooser"),
    path("orgs/new/", views.organisation_create, name="create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("o/<slug:org>/settings/", views.organisation_settings, name="settings"),
    path("o/<slug:org>/members/", views.members, name="members"),
    path("o/<slug:org>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("o/<slug:org>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "o/<slug:org>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "o/<slug:org>/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("o/<slug:org>/activity/", views.activity, name="activity"),
    path("o/<slug:org>/settings/close/", views.organisation_close_view, name="close"),
]
