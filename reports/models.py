"""Reports: stored renders (PDF, Word, evidence pack) and the opt-in public status badge.

A Report keeps the data it was made from (`data`, frozen when it was requested) and the
file rendered from that data, so a download later is byte-for-byte what was made then.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager


class ReportKind(models.TextChoices):
    ASSESSMENT_PDF = "assessment_pdf", "Assessment report (PDF)"
    ASSESSMENT_DOCX = "assessment_docx", "Assessment report (Word)"
    EVIDENCE_PACK = "evidence_pack", "Evidence pack (ZIP)"


KIND_FILES = {
    ReportKind.ASSESSMENT_PDF: ("pdf", "application/pdf"),
    ReportKind.ASSESSMENT_DOCX: (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ReportKind.EVIDENCE_PACK: ("zip", "application/zip"),
}


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def report_upload_to(instance: "Report", filename: str) -> str:
    """A fixed key per report, so re-rendering overwrites the same file."""
    ending = KIND_FILES[ReportKind(instance.kind)][0]
    return f"org_{instance.organisation_id}/reports/report-{instance.pk}.{ending}"


class ReportQuerySet(models.QuerySet):
    def pending(self) -> "ReportQuerySet":
        return self.filter(status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING])


class Report(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="reports"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="reports"
    )
    # Set when the report was made from an approved revision's snapshot.
    approval = models.ForeignKey(
        "assessments.Approval",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    title = models.CharField(max_length=200)
    data = models.JSONField(default=dict, help_text="What the report was made from.")
    file = models.FileField(upload_to=report_upload_to, max_length=200, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # The outbox side: when the render was last handed to the queue, how many renders were
    # started, and the Celery task that is rendering it now.
    queued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(
        organisation="organisation", _manager_class=ReportQuerySet.as_manager().__class__
    )

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def can_retry(self) -> bool:
        """Failed, or still not ready long after it was queued (its render was lost)."""
        if self.status == ReportStatus.FAILED:
            return True
        waited = dt.timedelta(seconds=settings.REPORT_RETRY_AFTER_SECONDS)
        last = max(self.queued_at, self.started_at or self.queued_at)
        return self.is_pending and timezone.now() - last > waited

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.file)

    @property
    def content_type(self) -> str:
        return KIND_FILES[ReportKind(self.kind)][1]


def _new_badge_token() -> str:
    return secrets.token_urlsafe(24)


class StatusBadge(models.Model):
    """The organisation's opt-in public badge. Revoking gives it a new random token."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="status_badge"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_badge_token)
    enabled = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organisation="organisation")

    def __str__(self) -> str:
        return f"Status badge for {self.organisation.name}"
