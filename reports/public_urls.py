"""Pages outside any organisation's URL: the public status badge (only what it may show)
and the consultant portfolio PDF (the signed-in user's own homes)."""

from django.urls import path

from . import views

app_name = "reports_public"

urlpatterns = [
    path("status/<slug:token>/", views.status_page, name="status"),
    path("status/<slug:token>/badge.svg", views.status_badge_svg, name="badge_svg"),
    path("portfolio/report.pdf", views.portfolio_pdf, name="portfolio_pdf"),
]
