from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "DSPT Portal administration"
# The admin is the platform team's support tool: superusers only (STYLE §3.6). Staff who
# are not superusers see the platform overview, not tenant data.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_title = "DSPT Portal admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org>/assessment/", include("assessments.urls")),
    path("o/<slug:org>/evidence/", include("evidence.urls")),
    path("o/<slug:org>/reports/", include("reports.urls")),
    path("", include("reports.public_urls")),
    path("", include("assessments.help_urls")),
    path("", include("reminders.urls")),
    path("", include("organisations.urls")),
]

handler403 = "dspt_portal.errors.permission_denied"
handler404 = "dspt_portal.errors.page_not_found"
handler500 = "dspt_portal.errors.server_error"
