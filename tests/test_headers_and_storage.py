"""What a security reviewer checks on every response and on disk: the Content-Security-Policy
(no inline scripts), the Permissions-Policy, no-store on tenant pages and downloads, the
client address behind a proxy, stored files not world-readable, and the honest status page."""

import os
import re
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Role

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_every_page_has_a_csp_without_inline_scripts(client_as, organisation):
    for response in (
        client_as(Role.EDITOR).get(f"/o/{organisation.slug}/"),
        client_as("outsider").get(reverse("account_login")),
    ):
        policy = _csp(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_no_template_has_an_inline_script_or_event_handler():
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=\"|hx-on"
    )
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert found == []


def test_permissions_policy_turns_off_what_the_portal_does_not_use(client):
    policy = client.get(reverse("account_login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.parametrize(
    "path",
    ["/o/{org}/", "/o/{org}/reports/checklist.xlsx", "/o/{org}/reports/checklist.csv", "/orgs/"],
)
def test_tenant_pages_and_exports_are_never_stored(client_as, organisation, path):
    from tests.assessments.factories import assessment_for

    assessment_for(organisation)
    response = client_as(Role.EDITOR).get(path.format(org=organisation.slug))
    assert response.status_code == 200, path
    assert "no-store" in response["Cache-Control"]


def test_a_report_download_is_never_stored(client_as, organisation):
    from reports.models import Report, ReportKind, ReportStatus
    from tests.assessments.factories import assessment_for

    assessment = assessment_for(organisation)
    with scopes_disabled():
        report = Report.objects.create(
            organisation=organisation,
            assessment=assessment,
            kind=ReportKind.ASSESSMENT_PDF,
            title="Report",
            status=ReportStatus.READY,
            download_name="report.pdf",
        )
        report.file.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    response = client_as(Role.VIEWER).get(
        reverse("reports:download", args=[organisation.slug, report.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_audit_log_records_the_real_client(client_as, organisation):
    client = client_as(Role.ADMIN)
    client.post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "new@example.org", "role": Role.EDITOR},
        REMOTE_ADDR="10.0.0.2",  # the proxy
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",  # forged by the client, then the proxy's
    )
    with scopes_disabled():
        entry = ActivityLog.objects.get(action="invitation.created")
    assert entry.ip_address == "203.0.113.7"


def test_without_a_proxy_a_forwarded_header_is_ignored(client_as, organisation):
    client_as(Role.ADMIN).post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "new@example.org", "role": Role.EDITOR},
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    with scopes_disabled():
        assert ActivityLog.objects.get(action="invitation.created").ip_address == "198.51.100.4"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_rate_limits_count_the_real_client():
    from allauth.account.adapter import get_adapter
    from django.test import RequestFactory

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


def test_stored_files_and_folders_are_not_world_readable():
    name = default_storage.save("org_1/documents/check/policy.pdf", ContentFile(b"%PDF"))
    path = Path(default_storage.path(name))
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o007 == 0
    assert stat.S_IMODE(os.stat(path.parent).st_mode) & 0o007 == 0
