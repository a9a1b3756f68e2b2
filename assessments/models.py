"""The DSPT catalogue (global, versioned data) and each organisation's assessment of it.

Catalogue: CatalogueVersion > Standard > Assertion > EvidenceItem. Loaded from a data
file by `manage.py import_dspt`, never edited in place: a new year is a new version.
Tenant data: Assessment (one organisation, one DSPT year) and Response (its answer to
one EvidenceItem). Both carry `organisation` and a django-scopes manager.
"""
from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class Level(models.TextChoices):
    APPROACHING = "approaching_standards", "Approaching Standards"
    MET = "standards_met", "Standards Met"
    OPTIONAL = "non_mandatory", "Optional"


class Category(models.TextChoices):
    PEOPLE = "people", "People"
    POLICIES = "policies", "Policies"
    TECHNOLOGY = "technology", "Technology"


class AnswerType(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation (tick)"
    TEXT = "text", "Text"
    DOCUMENT = "document", "Document or its location"
    NUMBER = "number", "Number or percentage"
    DATE = "date", "Date"


class CatalogueVersion(models.Model):
    key = models.SlugField(max_length=40, unique=True, help_text="e.g. 2025-26-v8")
    label = models.CharField(max_length=100, help_text="e.g. 2025-26 (DSPT v8)")
    dspt_year = models.PositiveIntegerField(help_text="The year of its 30 June deadline, e.g. 2026.")
    released = models.CharField(max_length=40, blank=True)
    source_note = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the loaded data.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-dspt_year", "-loaded_at"]

    def __str__(self) -> str:
        return self.label


class Standard(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="standards")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    ndg_group = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="standard_unique_in_version")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Assertion(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="assertions")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="assertions")
    ref = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    sort_key = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["version", "ref"], name="assertion_unique_in_version")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class EvidenceItem(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="items")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items")
    assertion = models.ForeignKey(Assertion, on_delete=models.CASCADE, related_name="items")
    ref = models.CharField("ID", max_length=12)
    summary = models.TextField()
    guidance = models.TextField(blank=True, help_text="What good evidence looks like.")
    level = models.CharField(max_length=30, choices=Level.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    answer_type = models.CharField(max_length=20, choices=AnswerType.choices)
    na_allowed = models.BooleanField("'Not applicable' allowed", default=False)
    # A value the app captures beside the answer: "date" (review/completion) or "percentage".
    app_hint = models.CharField(max_length=20, blank=True)
    sort_key = models.PositiveIntegerField(default=0, help_text="Toolkit order.")

    class Meta:
        ordering = ["version", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["version", "ref"], name="item_unique_in_version")]

    def __str__(self) -> str:
        return f"{self.ref} {self.summary[:60]}"

    @property
    def is_mandatory(self) -> bool:
        return self.level != Level.OPTIONAL


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class Assessment(models.Model):
    """One organisation's DSPT self-assessment for one year (deadline 30 June)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="assessments")
    dspt_year = models.PositiveIntegerField()
    deadline = models.DateField()
    status = models.CharField(max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-dspt_year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dspt_year"], name="one_assessment_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} – DSPT {self.dspt_year - 1}-{str(self.dspt_year)[-2:]}"


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    READY_FOR_REVIEW = "ready_for_review", "Ready for review"
    DONE = "done", "Done"


class Response(models.Model):
    """An organisation's answer to one evidence item in one assessment.

    The workflow status is kept apart from the answer itself.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="responses"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_responses"
    )
    answer_confirmed = models.BooleanField(null=True, blank=True)
    answer_text = models.TextField(blank=True)
    answer_number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    answer_date = models.DateField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    not_applicable = models.BooleanField(default=False)
    na_reason = models.TextField("reason it does not apply", blank=True)
    review_needed = models.BooleanField(default=False, help_text="Carried forward: check it still holds.")
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["item__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_response_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} for {self.assessment}"
