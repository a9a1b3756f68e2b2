"""Writes for reports: request a render, render it (the task's body), the status badge,
and applying a confirmed checklist import. Each records activity.

Other apps:
- `report_request(*, assessment, kind, by, approval=None, request=None) -> Report`
- `approval_report_ensure(*, approval, by=None) -> Report`: the PDF of an approved
  revision, made once from its snapshot; call it after approving (on commit).

A Report row is its own outbox entry: it is saved (QUEUED) before the render is queued, a
render claims it with a conditional UPDATE, and `reports_rescue` (every minute) queues again
the reports whose render was lost: never picked up, or started by a worker that is gone.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from assessments.models import Approval, Assessment
from evidence.models import DocumentVersion
from organisations.services import activity_record
from outbox.services import email_queue, enqueue_now, enqueue_on_commit, requeue_after, stale_claim

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
    one (so it stays byte-for-byte). Asking again while the same report is still being made
    returns that one too."""
    include_comments = include_comments and kind != ReportKind.EVIDENCE_PACK
    # One request at a time per assessment, so two clicks cannot queue two renders.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    live = next(
        (
            r
            for r in Report.objects.filter(
                assessment=assessment,
                kind=kind,
                approval=approval,
                status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
            )
            if bool(r.data.get("include_comments")) == include_comments
        ),
        None,
    )
    if live is not None:
        if live.can_retry:  # its render was lost: asking again starts it again
            _requeue(live)
        return live
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
            if existing.can_retry:  # its render was lost: asking again starts it again
                _requeue(existing)
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

    enqueue_on_commit(report_render_task, report.pk)
    return report


def _requeue(report: Report) -> None:
    from .tasks import report_render_task

    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.QUEUED, progress=0, attempts=0, error="", queued_at=timezone.now()
    )
    report.refresh_from_db()
    enqueue_on_commit(report_render_task, report.pk)


@transaction.atomic
def report_retry(*, report: Report, by, request=None) -> Report:
    """Start a failed or lost render again, on the same report (so links to it keep working)."""
    if not report.can_retry:
        raise ValidationError("This report is still being made. Give it a few more minutes.")
    _requeue(report)
    activity_record(
        organisation=report.organisation,
        actor=by,
        action="report.retried",
        target=report,
        changes={"kind": report.kind},
        request=request,
    )
    return report


def report_claim(report_id: int, *, task_id: str | None = None) -> Report | None:
    """Take the report for rendering; None when it is done or someone alive is rendering it.

    A render older than the task time limit has been killed, and the same task handed back
    after its worker died (same task id) carries on at once. A report whose renders keep
    dying (e.g. out of memory) fails after REPORT_MAX_ATTEMPTS instead of looping.
    """
    now = timezone.now()
    takeover = Q(status=ReportStatus.RUNNING, started_at__lt=now - stale_claim())
    if task_id:
        takeover |= Q(status=ReportStatus.RUNNING, task_id=task_id)
    ours = Report.objects.filter(Q(status=ReportStatus.QUEUED) | takeover, pk=report_id)
    if ours.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=ReportStatus.FAILED, progress=0, error=GAVE_UP, finished_at=now
    ):
        return None
    claimed = ours.update(
        status=ReportStatus.RUNNING,
        progress=10,
        started_at=now,
        error="",
        task_id=task_id or "",
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return None
    return Report.objects.select_related("organisation", "requested_by").get(pk=report_id)


GAVE_UP = "This report could not be made. Please try again, or ask us for help."


def reports_rescue() -> int:
    """Queue again every report whose render was lost. Returns how many."""
    from .tasks import report_render_task

    now = timezone.now()
    lost = Report.objects.filter(
        Q(status=ReportStatus.QUEUED, queued_at__lt=now - requeue_after())
        | Q(status=ReportStatus.RUNNING, started_at__lt=now - stale_claim())
    )
    ids = list(lost.values_list("pk", flat=True))
    # Back to "Waiting to start", and not queued again before OUTBOX_REQUEUE_SECONDS.
    lost.filter(pk__in=ids).update(status=ReportStatus.QUEUED, progress=0, queued_at=now)
    for report_id in ids:
        enqueue_now(report_render_task, report_id)
    return len(ids)


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
    """Render a claimed report from its stored data and store the file under org_<id>/reports/.

    Safe to run again: it overwrites the same file (same key), and the same data gives
    the same bytes. Failures are kept on the report for the page to show.
    """
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
    with transaction.atomic():  # "ready" and its email are recorded together
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
    email_queue(
        "report_ready",
        to=[person.email],
        context={
            "report": report,
            "organisation": report.organisation,
            "url": url,
            "person": person,
        },
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
