"""Writes for reports: request a render, render it (the task's body), the status badge,
and applying a confirmed checklist import. Each records activity.

Other apps:
- `report_request(*, assessment, kind, by, approval=None, request=None) -> Report`
- `approval_report_ensure(*, approval, by=None) -> Report`: the PDF of an approved
  revision, made once from its snapshot; call it after approving (on commit).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Approval, Assessment
from dspt_portal.emails import send_templated_email
from evidence.models import DocumentVersion
from organisations.services import activity_record

from . import render
from .content import approval_report_data, assessment_report_data
from .models import KIND_FILES, Report, ReportKind, ReportStatus, StatusBadge, report_upload_to

logger = logging.getLogger(__name__)


def _title(kind: str, assessment: Assessment, approval: Approval | None, comments: bool) -> str:
    what = {
        ReportKind.ASSESSMENT_PDF: "Assessment report",
        ReportKind.ASSESSMENT_DOCX: "Assessment report (Word)",
        ReportKind.EVIDENCE_PACK: "Evidence pack",
    }[ReportKind(kind)]
    when = f"revision {approval.revision} as approved" if approval else "as it stands"
    return f"{what}, DSPT {assessment.year_label}, {when}{', with comments' if comments else ''}"


def _download_name(kind: str, data: dict, approval: Approval | None) -> str:
    org, year = data["organisation"], data["assessment"]["year_label"]
    base = "evidence pack" if kind == ReportKind.EVIDENCE_PACK else "self-assessment report"
    suffix = f" (revision {approval.revision}, approved)" if approval else ""
    name = f"DSPT {year} {base} - {org['name']} {org['ods_code']}{suffix}"
    return f"{render.safe_file_name(name)}.{KIND_FILES[ReportKind(kind)][0]}"


@transaction.atomic
def report_request(
    *,
    assessment: Assessment,
    kind: str,
    by,
    approval: Approval | None = None,
    include_comments: bool = False,
    request=None,
) -> Report:
    """Freeze the report's data now and queue the render. An approved revision's report
    is made once (with or without the team's comments): asking again returns the existing
    one (so it stays byte-for-byte)."""
    include_comments = include_comments and kind != ReportKind.EVIDENCE_PACK
    if approval is not None:
        if approval.assessment_id != assessment.pk:
            raise ValidationError("That approval belongs to another assessment.")
        existing = next(
            (
                r
                for r in Report.objects.filter(approval=approval, kind=kind).exclude(
                    status=ReportStatus.FAILED
                )
                if bool(r.data.get("include_comments")) == include_comments
            ),
            None,
        )
        if existing is not None:
            return existing
    if approval is not None:
        data = approval_report_data(approval, include_comments=include_comments)
    else:
        data = assessment_report_data(assessment, include_comments=include_comments)
    report = Report.objects.create(
        organisation=assessment.organisation,
        assessment=assessment,
        approval=approval,
        kind=kind,
        title=_title(kind, assessment, approval, include_comments),
        data=data,
        download_name=_download_name(kind, data, approval),
        requested_by=by,
    )
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="report.requested",
        target=report,
        changes={"kind": kind, "approval_revision": approval.revision if approval else None},
        request=request,
    )
    from .tasks import report_render_task

    report_render_task.delay_on_commit(report.pk)
    return report


def approval_report_ensure(*, approval: Approval, by=None) -> Report:
    return report_request(
        assessment=approval.assessment, kind=ReportKind.ASSESSMENT_PDF, by=by, approval=approval
    )


def _set_progress(report: Report, percent: int, **fields) -> None:
    Report.objects.filter(pk=report.pk).update(progress=percent, **fields)


def _render_bytes(report: Report) -> bytes:
    if report.kind == ReportKind.ASSESSMENT_PDF:
        html = render.assessment_report_html(report.data)
        _set_progress(report, 40)
        return render.pdf_from_html(html)
    if report.kind == ReportKind.ASSESSMENT_DOCX:
        return render.assessment_report_docx(report.data)

    def open_file(version_id: int) -> bytes:
        version = DocumentVersion.objects.get(pk=version_id, organisation=report.organisation)
        with version.file.open("rb") as f:
            return f.read()

    return render.evidence_pack_zip(report.data, open_file)


def report_render(*, report: Report) -> Report:
    """Render the report from its stored data and store the file under org_<id>/reports/.

    Safe to run again: it overwrites the same file (same key), and the same data gives
    the same bytes. Failures are kept on the report for the page to show.
    """
    _set_progress(report, 10, status=ReportStatus.RUNNING, started_at=timezone.now(), error="")
    try:
        content = _render_bytes(report)
        _set_progress(report, 90)
        storage = report.file.storage
        key = report_upload_to(report, "")
        if storage.exists(key):
            storage.delete(key)
        report.file.save(key, ContentFile(content), save=False)
    except Exception:
        logger.exception("Report %s failed to render", report.pk)
        report.status, report.progress = ReportStatus.FAILED, 0
        report.error = "Something went wrong while making this report. Please try again."
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "progress", "error", "finished_at"])
        return report
    report.size, report.sha256 = len(content), hashlib.sha256(content).hexdigest()
    report.status, report.progress, report.error = ReportStatus.READY, 100, ""
    report.finished_at = timezone.now()
    report.save(
        update_fields=["file", "size", "sha256", "status", "progress", "error", "finished_at"]
    )
    _email_ready(report)
    return report


def _email_ready(report: Report) -> None:
    """Tell the person who asked that their report is ready (they may have left the page)."""
    person = report.requested_by
    if person is None or not person.email:
        return
    url = settings.SITE_URL + reverse("reports:index", kwargs={"org": report.organisation.slug})
    transaction.on_commit(
        lambda: send_templated_email(
            "report_ready",
            to=[person.email],
            context={
                "report": report,
                "organisation": report.organisation,
                "url": url,
                "person": person,
            },
        )
    )


# ---------------------------------------------------------------- status badge


@transaction.atomic
def badge_change(*, organisation, action: str, by, request=None) -> StatusBadge:
    """Turn the public badge on or off, or revoke it (a new random token: old links stop)."""
    badge, _ = StatusBadge.objects.get_or_create(organisation=organisation)
    before = badge.enabled
    if action == "enable":
        if not Approval.objects.filter(organisation=organisation, published_on__isnull=False):
            raise ValidationError(
                "Record your publication on the national toolkit first: the badge shows it."
            )
        badge.enabled = True
    elif action == "disable":
        badge.enabled = False
    elif action == "revoke":
        badge.token = StatusBadge._meta.get_field("token").default()
    else:
        raise ValidationError("Unknown badge action.")
    badge.changed_by, badge.changed_at = by, timezone.now()
    badge.save()
    activity_record(
        organisation=organisation,
        actor=by,
        action=f"status_badge.{action}d",
        target=badge,
        changes={"enabled": [before, badge.enabled]} if before != badge.enabled else {},
        request=request,
    )
    return badge


# ---------------------------------------------------------------- checklist import


@transaction.atomic
def checklist_apply(*, assessment: Assessment, changes: list[dict], by, request=None) -> int:
    """Save the confirmed changes of a checklist import, all or nothing.

    Each change goes through the assessments app's `response_update`, so every response
    changed gets its own audit entry; one more entry records the import itself.
    """
    from django.contrib.auth import get_user_model

    from assessments.services import response_update

    from .spreadsheets import change_values

    responses = {r.pk: r for r in assessment.responses.select_related("item", "assessment")}
    members = {
        u.pk: u
        for u in get_user_model().objects.filter(
            memberships__organisation_id=assessment.organisation_id
        )
    }
    for change in changes:
        response = responses.get(change["response_id"])
        if response is None:
            raise ValidationError("The checklist changed since the preview. Upload it again.")
        response_update(
            response=response, data=change_values(change["data"], members), by=by, request=request
        )
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="checklist.imported",
        target=assessment,
        changes={"items": [c["ref"] for c in changes]},
        request=request,
    )
    return len(changes)
