from django.urls import path

from . import views

# Included under the "organisations" namespace (organisations:home, organisations:portfolio,
# ...) together with organisations/urls.py: see dspt_portal/urls.py.
urlpatterns = [
    path("o/<slug:org>/", views.home, name="home"),
    path("o/<slug:org>/changes/", views.changes, name="year_changes"),
    # Across organisations (no organisation in the URL, so no tenant scope).
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/export.csv", views.portfolio_export, name="portfolio_export"),
    path("portfolio/remind/", views.portfolio_remind, name="portfolio_remind"),
    path("platform/", views.platform, name="platform"),
]
