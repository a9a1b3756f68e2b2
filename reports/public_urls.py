"""Pages outside any organisation's URL: the public status badge (only what it may show).
The consultant portfolio PDF (reports_public:portfolio_pdf) is served by dashboards: see
dspt_portal/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("status/<slug:token>/", views.status_page, name="status"),
    path("status/<slug:token>/badge.svg", views.status_badge_svg, name="badge_svg"),
]
