"""Reports are their own outbox: a lost render (never queued, queue lost, worker killed) is
found and redone, a "Try again" button appears after a while, and asking again for the
approved revision's report restarts a stuck one instead of returning it for good."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog
from reports import services
from reports.models import Report, ReportKind, ReportStatus
from reports.services import approval_report_ensure, report_claim, report_request
from reports.tasks import report_render_task, reports_rescue_task
from tests.reports.conftest import in_scope

pytestmark = pytest.mark.django_db
QUEUE = "reports.tasks.report_render_task.apply_async"


def _docx(assessment, by) -> Report:
    return in_scope(
        assessment.organisation,
        report_request,
        assessment=assessment,
        kind=ReportKind.ASSESSMENT_DOCX,
        by=by,
    )


def _claim(report_id: int, task_id: str) -> Report | None:
    """As the render task claims a report: before it knows whose report it is."""
    with scopes_disabled():
        return report_claim(report_id, task_id=task_id)


def _reports() -> list[Report]:
    with scopes_disabled():
        return list(Report.objects.all())


def test_a_report_asked_for_while_the_broker_is_down_is_queued_by_the_periodic_check(
    complete_assessment, sap, client, django_capture_on_commit_callbacks
):
    client.force_login(sap)
    url = reverse("reports:request", args=[complete_assessment.organisation.slug])
    with (
        mock.patch(QUEUE, side_effect=ConnectionRefusedError("redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, {"kind": "assessment_docx"})
    assert response.status_code == 302
    (report,) = _reports()
    assert report.status == ReportStatus.QUEUED
    with mock.patch(QUEUE) as queued:
        assert reports_rescue_task() == 0
        with time_machine.travel(dt.timedelta(minutes=3)):
            assert reports_rescue_task() == 1
            assert reports_rescue_task() == 0  # once, not every minute
    queued.assert_called_once_with(args=(report.pk,))
    assert report_render_task(report.pk) == "rendered"
    assert [r.status for r in _reports()] == [ReportStatus.READY]


def test_a_render_whose_worker_died_is_redone_after_the_time_limit(complete_assessment, sap):
    report = _docx(complete_assessment, sap)
    assert _claim(report.pk, "first") is not None  # ... then the worker died
    assert report_render_task(report.pk) == "skipped"  # a live render is left alone
    with mock.patch(QUEUE) as queued:
        assert reports_rescue_task() == 0
        with time_machine.travel(dt.timedelta(minutes=8)):  # past CELERY_TASK_TIME_LIMIT
            assert reports_rescue_task() == 1
            assert report_render_task(report.pk) == "rendered"
    queued.assert_called_once_with(args=(report.pk,))
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 2


def test_the_same_task_handed_back_after_its_worker_died_carries_on_at_once(
    complete_assessment, sap
):
    report = _docx(complete_assessment, sap)
    assert _claim(report.pk, "t-1") is not None
    assert report_render_task.apply(args=(report.pk,), task_id="t-2").get() == "skipped"
    assert report_render_task.apply(args=(report.pk,), task_id="t-1").get() == "rendered"
    assert [r.status for r in _reports()] == [ReportStatus.READY]


def test_a_render_that_keeps_killing_its_worker_fails_instead_of_looping(
    complete_assessment, sap, settings
):
    report = _docx(complete_assessment, sap)
    for _ in range(settings.REPORT_MAX_ATTEMPTS):
        assert _claim(report.pk, "poison") is not None  # killed every time
    assert _claim(report.pk, "poison") is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "try again" in report.error
    assert report.can_retry


def test_try_again_appears_after_a_while_and_starts_the_render_again(
    complete_assessment, sap, client, django_capture_on_commit_callbacks
):
    report = _docx(complete_assessment, sap)
    client.force_login(sap)
    page = reverse("reports:index", args=[complete_assessment.organisation.slug])
    retry = reverse("reports:retry", args=[complete_assessment.organisation.slug, report.pk])
    assert "Try again" not in client.get(page).text
    refused = client.post(retry, follow=True)
    assert "still being made" in refused.text
    with time_machine.travel(dt.timedelta(minutes=6)):
        assert "Try again" in client.get(page).text
        with mock.patch(QUEUE) as queued, django_capture_on_commit_callbacks(execute=True):
            assert client.post(retry).status_code == 302
        queued.assert_called_once_with(args=(report.pk,))
        report.refresh_from_db()
        assert report.status == ReportStatus.QUEUED and not report.can_retry
        assert "Try again" not in client.get(page).text
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="report.retried", actor=sap).count() == 1


def test_asking_again_for_a_stuck_approved_report_starts_it_again(
    approved_assessment, sap, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        approval = approved_assessment.approvals.get()
    organisation = approval.organisation
    report = in_scope(organisation, approval_report_ensure, approval=approval, by=sap)
    _claim(report.pk, "lost")  # its worker was killed mid-render
    stuck = in_scope(organisation, approval_report_ensure, approval=approval, by=sap)
    assert stuck.status == ReportStatus.RUNNING
    with time_machine.travel(dt.timedelta(minutes=8)), mock.patch(QUEUE) as queued:
        with django_capture_on_commit_callbacks(execute=True):
            again = in_scope(organisation, approval_report_ensure, approval=approval, by=sap)
        assert again.pk == report.pk and again.status == ReportStatus.QUEUED
        queued.assert_called_once_with(args=(report.pk,))
        assert report_render_task(report.pk) == "rendered"
    assert [r.status for r in _reports()] == [ReportStatus.READY]


def test_a_failed_report_is_tried_again_on_the_same_row(complete_assessment, sap):
    report = _docx(complete_assessment, sap)
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="Boom")
    report.refresh_from_db()
    with mock.patch(QUEUE):
        in_scope(report.organisation, services.report_retry, report=report, by=sap)
    assert report_render_task(report.pk) == "rendered"
    assert [r.status for r in _reports()] == [ReportStatus.READY]
