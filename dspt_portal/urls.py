from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

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

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ours first: allauth's enrolment page that also records the code typed in this session.
    path("accounts/2fa/totp/activate/", enrol_totp, name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org>/assessment/", include("assessments.urls")),
    path("o/<slug:org>/evidence/", include("evidence.urls")),
    path("o/<slug:org>/reports/", include("reports.urls")),
    path("", include("reports.public_urls")),
    path("", include("reminders.urls")),
    path("", include("organisations.urls")),
]

handler403 = "dspt_portal.errors.permission_denied"
handler404 = "dspt_portal.errors.page_not_found"
handler500 = "dspt_portal.errors.server_error"
