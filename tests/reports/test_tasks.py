"""Stored reports: queued after commit, rendered by the task, re-runs overwrite the same file."""

import csv
import io
import zipfile
from unittest import mock

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Role
from reports.models import Report, ReportKind, ReportStatus
from reports.services import approval_report_ensure, report_request
from reports.tasks import report_render_task
from tests.mail import deliver_emails
from tests.reports.conftest import in_scope

pytestmark = pytest.mark.django_db


def _request(assessment, kind, by):
    return in_scope(
        assessment.organisation, report_request, assessment=assessment, kind=kind, by=by
    )


def test_requesting_a_report_queues_the_render_after_commit(
    complete_assessment, sap, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.tasks.report_render_task.apply_async") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        report = _request(complete_assessment, ReportKind.ASSESSMENT_PDF, sap)
    assert len(callbacks) == 1
    delay.assert_called_once_with(args=(report.pk,))
    assert report.status == ReportStatus.QUEUED
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="report.requested", actor=sap).exists()


def test_task_renders_and_stores_the_pdf_under_the_organisation(complete_assessment, sap):
    report = _request(complete_assessment, ReportKind.ASSESSMENT_PDF, sap)
    report_render_task(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.progress == 100
    assert (
        report.file.name
        == f"org_{complete_assessment.organisation_id}/reports/report-{report.pk}.pdf"
    )
    assert report.file.read().startswith(b"%PDF")
    assert report.download_name.endswith(".pdf") and "Meadowbank House" in report.download_name


def test_rerunning_the_task_overwrites_the_same_file_with_the_same_bytes(
    approved_assessment, sap, fresh_pdf_renders
):
    with scopes_disabled():
        approval = approved_assessment.approvals.get()
    report = in_scope(approval.organisation, approval_report_ensure, approval=approval, by=sap)
    report_render_task(report.pk)
    report.refresh_from_db()
    first_name, first_hash = report.file.name, report.sha256
    report_render_task(report.pk)
    report.refresh_from_db()
    assert report.file.name == first_name
    assert report.sha256 == first_hash
    with scopes_disabled():
        assert Report.objects.count() == 1


def test_the_approved_report_is_made_once_and_downloads_byte_for_byte(
    approved_assessment, sap, client
):
    with scopes_disabled():
        approval = approved_assessment.approvals.get()
    report = in_scope(approval.organisation, approval_report_ensure, approval=approval, by=sap)
    report_render_task(report.pk)
    report.refresh_from_db()
    stored = report.file.read()
    # Later edits (a new revision) do not touch what was approved.
    with scopes_disabled():
        response = approved_assessment.responses.get(item__ref="1.1.1")
    response.answer_text = "Something else entirely"
    response.save()
    again = in_scope(approval.organisation, approval_report_ensure, approval=approval, by=sap)
    assert again.pk == report.pk
    client.force_login(sap)
    url = reverse("reports:download", kwargs={"org": "vn4k2", "pk": report.pk})
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored
    assert download["Content-Type"] == "application/pdf"


def test_a_failed_render_is_marked_failed_with_a_plain_message(complete_assessment, sap):
    report = _request(complete_assessment, ReportKind.ASSESSMENT_PDF, sap)
    with mock.patch("reports.render.pdf_from_html", side_effect=RuntimeError("boom")):
        report_render_task(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "try again" in report.error.lower()
    assert not report.file


def test_task_for_a_deleted_report_does_nothing(db):
    from outbox.models import Email

    assert report_render_task(999999) == "skipped"
    with scopes_disabled():
        assert not Report.objects.exists() and not Email.objects.exists()


def test_evidence_pack_names_files_by_item_id_with_an_index(complete_assessment, sap):
    report = _request(complete_assessment, ReportKind.EVIDENCE_PACK, sap)
    report_render_task(report.pk)
    report.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(report.file.read()))
    names = archive.namelist()
    assert "1.1.2 - Information asset register.xlsx" in names
    assert "1.1.2 - Data protection policy.pdf" in names
    assert archive.read("1.1.2 - Data protection policy.pdf").startswith(b"%PDF")
    index = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert index[0][:3] == ["Item ID", "Evidence item", "Document"]
    assert any(row[0] == "1.1.2" and row[2] == "Information asset register" for row in index)
    assert [row[0] for row in index[1:]] == sorted(
        (row[0] for row in index[1:]), key=lambda ref: [int(n) for n in ref.split(".")]
    )  # toolkit order


def test_word_report_renders(complete_assessment, sap):
    report = _request(complete_assessment, ReportKind.ASSESSMENT_DOCX, sap)
    report_render_task(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert zipfile.ZipFile(io.BytesIO(report.file.read())).testzip() is None


def test_status_fragment_polls_while_pending_and_offers_the_download_when_ready(
    complete_assessment, sap, client
):
    report = _request(complete_assessment, ReportKind.ASSESSMENT_DOCX, sap)
    client.force_login(sap)
    url = reverse("reports:status", kwargs={"org": "vn4k2", "pk": report.pk})
    pending = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in pending and "Waiting to start" in pending
    report_render_task(report.pk)
    ready = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in ready
    assert "Ready" in ready and reverse("reports:download", args=["vn4k2", report.pk]) in ready


def test_download_of_an_unfinished_report_is_404(complete_assessment, sap, client):
    report = _request(complete_assessment, ReportKind.ASSESSMENT_PDF, sap)
    client.force_login(sap)
    url = reverse("reports:download", kwargs={"org": "vn4k2", "pk": report.pk})
    assert client.get(url).status_code == 404


def test_another_organisations_report_is_404(complete_assessment, sap, other_organisation, client):
    from tests.factories import MembershipFactory

    report = _request(complete_assessment, ReportKind.ASSESSMENT_PDF, sap)
    report_render_task(report.pk)
    stranger = MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user
    client.force_login(stranger)
    url = reverse("reports:download", kwargs={"org": other_organisation.slug, "pk": report.pk})
    assert client.get(url).status_code == 404


def test_the_person_who_asked_is_emailed_when_the_report_is_ready(
    complete_assessment, sap, django_capture_on_commit_callbacks
):

    report = _request(complete_assessment, ReportKind.ASSESSMENT_DOCX, sap)
    with django_capture_on_commit_callbacks(execute=True):
        report_render_task(report.pk)
    sent = deliver_emails()
    (message,) = sent
    assert message.to == [sap.email]
    assert "Your report is ready" in message.subject
    assert f"/o/{complete_assessment.organisation.slug}/reports/" in message.body


def test_approving_makes_the_approved_report_at_once(organisation, member):
    from assessments import services
    from tests.assessments.factories import SIGNED, answer, assessment_for, catalogue_with

    editor, sap_user = member(Role.EDITOR), member(Role.ADMIN)
    organisation.senior_accountable_person = sap_user
    organisation.save()
    assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    with scopes_disabled():
        response = assessment.responses.get()
    answer(response)
    in_scope(organisation, services.assessment_submit, assessment=assessment, by=editor)
    approval = in_scope(
        organisation, services.assessment_approve, assessment=assessment, by=sap_user, **SIGNED
    )
    with scopes_disabled():
        report = Report.objects.get(approval=approval)
    assert report.kind == ReportKind.ASSESSMENT_PDF and report.status == ReportStatus.QUEUED


def test_exports_download_as_attachments_that_browsers_do_not_sniff(client_as, organisation):
    from tests.assessments.factories import assessment_for, catalogue_with

    organisation.name = "Ty Gwyn – Cartref Gofal “Llŷn”"
    organisation.save()
    assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    response = client_as(Role.VIEWER).get(reverse("reports:export_csv", args=[organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
