"""Report requests need an editor, and asking again while one is being made returns it."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Role
from reports.models import Report, ReportKind, ReportStatus
from tests.assessments.factories import assessment_for

pytestmark = pytest.mark.django_db


def _reports():
    with scopes_disabled():
        return list(Report.objects.values_list("kind", "status"))


def test_viewers_cannot_request_reports(client_as, organisation):
    assessment_for(organisation)
    viewer = client_as(Role.VIEWER)
    url = reverse("reports:request", args=[organisation.slug])
    assert viewer.post(url, {"kind": ReportKind.ASSESSMENT_PDF}).status_code == 403
    assert _reports() == []
    page = viewer.get(reverse("reports:index", args=[organisation.slug]))
    assert url not in page.text
    assert "Ask one of them to make the report" in page.text


def test_a_second_request_while_one_is_being_made_returns_that_one(client_as, organisation):
    assessment_for(organisation)
    editor = client_as(Role.EDITOR)
    url = reverse("reports:request", args=[organisation.slug])
    first = editor.post(url, {"kind": ReportKind.ASSESSMENT_PDF})
    second = editor.post(url, {"kind": ReportKind.ASSESSMENT_PDF})
    assert _reports() == [(ReportKind.ASSESSMENT_PDF, ReportStatus.QUEUED)]
    assert first["Location"] == second["Location"]
    with scopes_disabled():
        Report.objects.update(status=ReportStatus.READY)
    editor.post(url, {"kind": ReportKind.ASSESSMENT_PDF})
    assert len(_reports()) == 2  # once made, asking again makes a fresh one
