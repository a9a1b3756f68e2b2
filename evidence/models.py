"""The evidence library: documents, their versions (files on django-storages), and the
links that let one document back many responses."""
import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager


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


class Document(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=DocumentKind.choices, default=DocumentKind.POLICY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_documents"
    )
    effective_on = models.DateField(
        "effective from", null=True, blank=True,
        help_text="The date the document took effect (what it proves), not the upload date.",
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    location = models.CharField(
        "where it is held", max_length=300, blank=True,
        help_text="For documents kept elsewhere, e.g. 'Policy folder, manager's office, section 4'.",
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

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


class DocumentLink(models.Model):
    """One document backing one response. A document can back many responses, across years."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    response = models.ForeignKey(
        "assessments.Response", on_delete=models.CASCADE, related_name="document_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["document__title"]
        constraints = [
            models.UniqueConstraint(fields=["document", "response"], name="link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.response.item.ref}"
