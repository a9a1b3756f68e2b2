"""The evidence library: documents, their versions (files on django-storages), and the
links that let one document back many responses."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from dspt_portal.dates import add_years


class DocumentKind(models.TextChoices):
    POLICY = "policy", "Policy"
    PROCEDURE = "procedure", "Procedure"
    TRAINING_RECORD = "training_record", "Training record"
    LOG = "log", "Log"
    CONTRACT_TEMPLATE = "contract_template", "Contract template"
    CERTIFICATE = "certificate", "Certificate"
    SCREENSHOT = "screenshot", "Screenshot"
    REGISTER = "register", "Register"
    OTHER = "other", "Other"


class ReviewStatus(models.TextChoices):
    CURRENT = "current", "Current"
    DUE_SOON = "due_soon", "Review due within 30 days"
    OVERDUE = "overdue", "Review overdue"
    NO_DATE = "no_date", "No review date"


REVIEW_DUE_SOON_DAYS = 30
# An archived document can be restored by an admin for this long; then its files are purged.
ARCHIVE_RESTORE_DAYS = 30
# Policies at least every 3 years (1.3.1); registers, logs and the rest yearly
# (docs/dspt-rules.md §7).
REVIEW_INTERVAL_YEARS = {DocumentKind.POLICY: 3}
DEFAULT_REVIEW_INTERVAL_YEARS = 1


def default_next_review(kind: str, last_reviewed_on: dt.date | None) -> dt.date | None:
    """A year after the last review; three years for policies (docs/dspt-rules.md §7)."""
    if last_reviewed_on is None:
        return None
    return add_years(
        last_reviewed_on, REVIEW_INTERVAL_YEARS.get(kind, DEFAULT_REVIEW_INTERVAL_YEARS)
    )


class DocumentQuerySet(models.QuerySet):
    def active(self) -> "DocumentQuerySet":
        """In the library: not archived. Every list of documents starts here."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "DocumentQuerySet":
        return self.filter(archived_at__isnull=False)

    def purge_due(self, now: dt.datetime | None = None) -> "DocumentQuerySet":
        """Archived longer than the restore period: their rows and files can go."""
        now = now or timezone.now()
        return self.filter(archived_at__lte=now - dt.timedelta(days=ARCHIVE_RESTORE_DAYS))

    def with_review_status(self, status: str, on: dt.date | None = None) -> "DocumentQuerySet":
        """Documents whose review status (see `Document.review_status`) is `status` on `on`."""
        on = on or timezone.localdate()
        soon = on + dt.timedelta(days=REVIEW_DUE_SOON_DAYS)
        return {
            ReviewStatus.OVERDUE: self.filter(next_review_due__lt=on),
            ReviewStatus.DUE_SOON: self.filter(next_review_due__gte=on, next_review_due__lte=soon),
            ReviewStatus.CURRENT: self.filter(next_review_due__gt=soon),
            ReviewStatus.NO_DATE: self.filter(next_review_due__isnull=True),
        }.get(status, self)

    def due_for_review(self, on: dt.date | None = None) -> "DocumentQuerySet":
        """Overdue or due within 30 days, soonest first."""
        on = on or timezone.localdate()
        soon = on + dt.timedelta(days=REVIEW_DUE_SOON_DAYS)
        return self.filter(next_review_due__lte=soon).order_by("next_review_due", "title")

    def linked(self, yes: bool = True) -> "DocumentQuerySet":
        return (
            self.filter(links__isnull=False).distinct() if yes else self.filter(links__isnull=True)
        )


class Document(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=30, choices=DocumentKind.choices, default=DocumentKind.POLICY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_documents",
    )
    effective_on = models.DateField(
        "effective from",
        null=True,
        blank=True,
        help_text="The date the document took effect (what it proves), not the upload date.",
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    location = models.CharField(
        "where it is held",
        max_length=300,
        blank=True,
        help_text=(
            "For documents kept elsewhere, e.g. 'Policy folder, manager's office, section 4'."
        ),
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Archived instead of deleted: out of every list, restorable by an admin for
    # ARCHIVE_RESTORE_DAYS, then purged with its files by evidence.tasks.documents_purge_task.
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager(
        organisation="organisation", _manager_class=DocumentQuerySet.as_manager().__class__
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def purge_on(self) -> dt.datetime | None:
        """When an archived document and its files go for good."""
        if self.archived_at is None:
            return None
        return self.archived_at + dt.timedelta(days=ARCHIVE_RESTORE_DAYS)

    @staticmethod
    def current_version_prefetch(prefix: str = "") -> models.Prefetch:
        """Prefetch versions newest first, so `current_version` costs no query per row."""
        return models.Prefetch(
            f"{prefix}versions",
            queryset=DocumentVersion.objects.order_by("-number").select_related("uploaded_by"),
        )

    @property
    def current_version(self) -> "DocumentVersion | None":
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None

    @property
    def review_status_label(self) -> str:
        return ReviewStatus(self.review_status()).label

    def review_status(self, on: dt.date | None = None) -> str:
        on = on or timezone.localdate()
        if not self.next_review_due:
            return ReviewStatus.NO_DATE
        if self.next_review_due < on:
            return ReviewStatus.OVERDUE
        if self.next_review_due <= on + dt.timedelta(days=REVIEW_DUE_SOON_DAYS):
            return ReviewStatus.DUE_SOON
        return ReviewStatus.CURRENT


def version_upload_to(instance: "DocumentVersion", filename: str) -> str:
    """A random key under the organisation's prefix; the user's file name is display text only."""
    return f"org_{instance.organisation_id}/documents/{secrets.token_hex(16)}"


class DocumentVersion(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}"


class StaffMember(models.Model):
    """A person on the staff training register (3.2.1): staff, directors, volunteers, agency."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="staff_members"
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField("role or job title", max_length=200, blank=True)
    started_on = models.DateField("start date", null=True, blank=True)
    left_on = models.DateField(
        "leaving date",
        null=True,
        blank=True,
        help_text="Leave empty while they still work here.",
    )
    is_agency = models.BooleanField("agency worker", default=False)
    is_volunteer = models.BooleanField("volunteer", default=False)
    is_director = models.BooleanField("director or trustee", default=False)
    has_data_access = models.BooleanField(
        "has access to personal data",
        default=True,
        help_text=(
            "Untick only for people who never see care records, staff files or other personal data."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_current_on(self, on: dt.date) -> bool:
        """Working here on `on`: started by then (or no start date) and not left before it."""
        return (self.started_on is None or self.started_on <= on) and (
            self.left_on is None or self.left_on >= on
        )

    @property
    def kind_labels(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.is_director, "Director or trustee"),
                (self.is_volunteer, "Volunteer"),
                (self.is_agency, "Agency"),
            )
            if flag
        ]


class TrainingRecord(models.Model):
    """One completed data security and protection course."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="training_records"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.CharField(max_length=200, default="Data security awareness")
    completed_on = models.DateField()
    evidence = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_records",
        help_text="Optional: the certificate or attendance sheet in your evidence library.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.staff_member.name}: {self.course} on {self.completed_on:%d %b %Y}"

    @property
    def valid_until(self) -> dt.date:
        """Counts for 3.2.1 for 12 months after completion (docs/dspt-rules.md §7)."""
        return add_years(self.completed_on, 1)
