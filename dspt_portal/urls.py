"""The composition root: every app's URLs, the one place that imports them all.

Two URL namespaces take patterns from more than one app, so that names and paths stay put
as code moves up or down the layers (see ARCHITECTURE.md):
- `organisations:` tenancy pages (organisations/urls.py) and the read models that live in
  the dashboards app: the home page, the portfolio and the platform overview;
- `evidence:` the evidence library (evidence/urls.py) and the links between a response and
  its documents, which belong to assessments (assessments/link_urls.py);
- `reports_public:` the status badge (reports) and the portfolio PDF (dashboards).
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

import assessments.link_urls
import dashboards.urls
import dashboards.views
import evidence.urls
import organisations.urls
import reports.public_urls
from accounts.views import enrol_totp

from . import views

admin.site.site_header = "DSPT Portal administration"
# The admin is the platform team's support tool: superusers only (STYLE §3.6). Staff who
# are not superusers see the platform overview, not tenant data.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_title = "DSPT Portal admin"
# No password-only door: /admin/login/ sends everyone to the allauth sign-in (rate limits,
# second factor); Django's own admin login form is never shown.
admin.site.login = secure_admin_login(admin.site.login)

evidence_urls = (evidence.urls.urlpatterns + assessments.link_urls.urlpatterns, "evidence")
reports_public_urls = (
    [
        *reports.public_urls.urlpatterns,
        path("portfolio/report.pdf", dashboards.views.portfolio_pdf, name="portfolio_pdf"),
    ],
    "reports_public",
)
organisations_urls = (
    organisations.urls.urlpatterns + dashboards.urls.urlpatterns,
    "organisations",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ours first: allauth's enrolment page that also records the code typed in this session.
    path("accounts/2fa/totp/activate/", enrol_totp, name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org>/ping", views.tenant_ping, name="tenant_ping"),
    path("o/<slug:org>/assessment/", include("assessments.urls")),
    path("o/<slug:org>/evidence/", include(evidence_urls)),
    path("o/<slug:org>/registers/", include("registers.urls")),
    path("o/<slug:org>/reports/", include("reports.urls")),
    path("", include(reports_public_urls)),
    path("", include("assessments.help_urls")),
    path("", include("reminders.urls")),
    path("", include(organisations_urls)),
]

handler403 = "dspt_portal.errors.permission_denied"
handler404 = "dspt_portal.errors.page_not_found"
handler500 = "dspt_portal.errors.server_error"
