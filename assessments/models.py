"""The DSPT catalogue (global, versioned data) and each organisation's assessment of it.

Catalogue: CatalogueVersion > Standard > Assertion > EvidenceItem. Loaded from a data
file by `manage.py import_dspt`, never edited in place: a new year is a new version.
Tenant data: Assessment (one organisation, one DSPT year) and Response (its answer to
one EvidenceItem). Both carry `organisation` and a django-scopes manager.
"""

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from .states import AssessmentStatus, is_editable, locked_message


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
    dspt_year = models.PositiveIntegerField(
        help_text="The year of its 30 June deadline, e.g. 2026."
    )
    released = models.CharField(max_length=40, blank=True)
    source_note = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the loaded data.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    # What the official list holds, when this version is known to be partial (empty for a
    # complete list, e.g. one loaded from NHS England's spreadsheet).
    official_questions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="About how many questions the official list has."
    )
    official_mandatory = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Items mandatory for Standards Met in the official list."
    )
    official_approaching = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Items needed for Approaching Standards, officially."
    )

    class Meta:
        ordering = ["-dspt_year", "-loaded_at"]

    def __str__(self) -> str:
        return self.label


class Standard(models.Model):
    version = models.ForeignKey(
        CatalogueVersion, on_delete=models.CASCADE, related_name="standards"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    ndg_group = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="standard_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Assertion(models.Model):
    version = models.ForeignKey(
        CatalogueVersion, on_delete=models.CASCADE, related_name="assertions"
    )
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="assertions")
    ref = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    sort_key = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "ref"], name="assertion_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    INFERRED = "inferred", "Not yet confirmed"


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
    # Evidence with a time window (a review, test or check) counts only when its date is
    # within this many months before publication (docs/dspt-rules.md).
    valid_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # Whether the item (its ID and level for social care) is confirmed from a published
    # source or our best inference; the note is shown to users when inferred.
    confidence = models.CharField(
        max_length=20, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    confidence_note = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "ref"], name="item_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.summary[:60]}"

    @property
    def is_mandatory(self) -> bool:
        return self.level != Level.OPTIONAL

    @property
    def is_inferred(self) -> bool:
        return self.confidence == Confidence.INFERRED


class Assessment(models.Model):
    """One organisation's DSPT self-assessment for one year (deadline 30 June)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    dspt_year = models.PositiveIntegerField()
    deadline = models.DateField()
    status = models.CharField(
        max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Approaching Standards may be published only once (docs/dspt-rules.md §3). Publications
    # recorded here count; so does one made before the organisation used the portal.
    previously_published = models.BooleanField(
        "we have published a DSPT before",
        default=False,
        help_text="Tick if this organisation has published on the national toolkit before.",
    )
    revision = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_comment = models.TextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    # What changed against last year's catalogue when this assessment was started.
    carry_forward_report = models.JSONField(default=dict, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-dspt_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dspt_year"], name="one_assessment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} – DSPT {self.year_label}"

    @property
    def year_label(self) -> str:
        return f"{self.dspt_year - 1}-{str(self.dspt_year)[-2:]}"

    @property
    def deadline_passed(self) -> bool:
        from django.utils import timezone

        return self.deadline < timezone.localdate()

    @property
    def is_locked(self) -> bool:
        """Answers can change only in an editable state (assessments/states.py)."""
        return not is_editable(self.status)

    def locked_message(self) -> str:
        return locked_message(self.status)


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
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_responses",
    )
    answer_confirmed = models.BooleanField(null=True, blank=True)
    answer_text = models.TextField(blank=True)
    answer_number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    answer_date = models.DateField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    not_applicable = models.BooleanField(default=False)
    na_reason = models.TextField("reason it does not apply", blank=True)
    review_needed = models.BooleanField(
        default=False, help_text="Carried forward: check it still holds."
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Goes up by one with every saved change. A form carries the version it was made from,
    # so a save made from an out-of-date page is refused instead of overwriting (optimistic
    # locking): see `services.response_update`.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    # Every saved change, with who and when (django-simple-history). The history rows copy
    # `organisation`, so they are read by organisation like the responses themselves.
    # Kept when a response is deleted (a checklist change), erased with the organisation.
    history = HistoricalRecords(excluded_fields=["updated_at", "review_needed", "carried_from"])

    class Meta:
        ordering = ["item__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_response_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} for {self.assessment}"

    @property
    def is_answered(self) -> bool:
        """Counts toward the outcome: a valid answer of the item's type, or N/A with a reason.

        The workflow status (even "done") is for the team's own tracking and never counts.
        A confirmation counts only when ticked "yes". A document item counts with a linked
        document or the document's location written down (the toolkit accepts either).
        Uses prefetched `document_links` when present.
        """
        if self.not_applicable:
            return self.item.na_allowed and bool(self.na_reason.strip())
        kind = self.item.answer_type
        if kind == AnswerType.CONFIRMATION:
            return self.answer_confirmed is True
        if kind == AnswerType.TEXT:
            return bool(self.answer_text.strip())
        if kind == AnswerType.DOCUMENT:
            return bool(self.answer_text.strip()) or bool(self.document_links.all())
        if kind == AnswerType.NUMBER:
            return self.answer_number is not None
        if kind == AnswerType.DATE:
            return self.answer_date is not None
        return False

    def answer_record(self) -> dict:
        """The answer as plain data: what an approval's snapshot keeps and the reports read
        (live or frozen, the same shape). Documents are added by the caller."""
        return {
            "ref": self.item.ref,
            "summary": self.item.summary,
            "answered": self.is_answered,
            "status": self.status,
            "answer_confirmed": self.answer_confirmed,
            "answer_text": self.answer_text,
            "answer_number": None if self.answer_number is None else str(self.answer_number),
            "answer_date": self.answer_date.isoformat() if self.answer_date else None,
            "narrative": self.narrative,
            "not_applicable": self.not_applicable,
            "na_reason": self.na_reason,
            "review_needed": self.review_needed,
            "owner": self.owner.email if self.owner else None,
            "owner_name": (self.owner.full_name or self.owner.email) if self.owner else "",
        }

    @property
    def answered_no(self) -> bool:
        """Answered "No" to a confirmation: an answer given (on an optional item, a complete
        one), though it never counts toward the outcome."""
        return (
            self.item.answer_type == AnswerType.CONFIRMATION
            and self.answer_confirmed is False
            and not self.not_applicable
        )

    @property
    def answer_display(self) -> str:
        """The answer as a person reads it: 'Yes, confirmed', '97', '3 March 2026', text."""
        from django.utils.formats import date_format

        if self.not_applicable:
            return "Not applicable"
        kind = self.item.answer_type
        if kind == AnswerType.CONFIRMATION:
            return {True: "Yes, confirmed", False: "No"}.get(self.answer_confirmed, "")
        if kind == AnswerType.NUMBER:
            return "" if self.answer_number is None else f"{self.answer_number.normalize():f}"
        if kind == AnswerType.DATE:
            return date_format(self.answer_date, "j F Y") if self.answer_date else ""
        return self.answer_text

    @property
    def last_done_on(self):
        """'When was it last done or reviewed?': the date kept beside a tick or text answer
        (None when the item's answer is itself a date)."""
        if self.item.app_hint != "date" or self.item.answer_type == AnswerType.DATE:
            return None
        return self.answer_date

    @property
    def percentage(self):
        """The percentage kept beside the answer of an item that asks for one (3.2.1)."""
        if self.item.app_hint != "percentage" or self.item.answer_type == AnswerType.NUMBER:
            return None
        return self.answer_number

    @property
    def percentage_display(self) -> str:
        """'96.5%', or '' when the item asks for none or it is not given."""
        value = self.percentage
        return "" if value is None else f"{value.normalize():f}%"


class DocumentLink(models.Model):
    """One document backing one response. A document can back many responses, across years.

    It lives here, not in evidence: the evidence library knows nothing of assessments (a
    document reaches its links only through the reverse accessor `document.links`).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "evidence.Document", on_delete=models.CASCADE, related_name="links"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="document_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["document__title"]
        constraints = [models.UniqueConstraint(fields=["document", "response"], name="link_unique")]

    def __str__(self) -> str:
        return f"{self.document} → {self.response.item.ref}"


class Comment(models.Model):
    """A note on a response from a team member (questions, review remarks)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.response.item.ref} by {self.author}"


class PublishedOutcome(models.TextChoices):
    APPROACHING = "approaching_standards", "Approaching Standards"
    MET = "standards_met", "Standards Met"
    EXCEEDED = "standards_exceeded", "Standards Exceeded"
    NOT_MET = "standards_not_met", "Standards Not Met"


class Approval(models.Model):
    """One approved revision of an assessment: a frozen copy of its answers and outcome.

    Kept when a new revision unlocks the assessment. The publication on the national
    toolkit (date and the outcome it showed) is recorded against the approval published.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="approvals")
    revision = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    outcome_level = models.CharField(max_length=30)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField()
    published_on = models.DateField("date published on the national toolkit", null=True, blank=True)
    published_outcome = models.CharField(
        "outcome shown on the toolkit", max_length=30, choices=PublishedOutcome.choices, blank=True
    )
    published_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_recorded_at = models.DateTimeField(null=True, blank=True)
    # What the approver ticked on the review page, in the words shown, with the name and
    # role they signed as (the date is `approved_at`). Printed on the approved report.
    declaration = models.TextField(blank=True)
    declared_name = models.CharField(max_length=200, blank=True)
    declared_role = models.CharField(max_length=200, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-approved_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "revision"], name="one_approval_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} revision {self.revision}"


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ImprovementActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ActionStatus.DONE)

    def overdue(self, on=None):
        from django.utils import timezone

        return self.open().filter(target_date__lt=on or timezone.localdate())

    def due_within(self, days: int, on=None):
        import datetime as dt

        from django.utils import timezone

        on = on or timezone.localdate()
        return self.open().filter(
            target_date__gte=on, target_date__lte=on + dt.timedelta(days=days)
        )


class ImprovementAction(models.Model):
    """One step of the improvement plan: what will be done, by whom, by when.

    Approaching Standards needs a plan for the remaining Standards Met items
    (docs/dspt-rules.md §3).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="improvement_actions"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="improvement_actions"
    )
    title = models.CharField("what will be done", max_length=300)
    responses = models.ManyToManyField(
        Response,
        through="ImprovementActionItem",
        related_name="improvement_actions",
        blank=True,
        verbose_name="evidence items",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_actions",
    )
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.TO_DO
    )
    completion_note = models.TextField("what was done", blank=True, max_length=2000)
    completed_on = models.DateField(null=True, blank=True)
    # The item "Suggest actions" made this action for; the constraint below means two
    # clicks at once cannot give an item two open suggested actions.
    suggested_for = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(
        organisation="organisation",
        _manager_class=models.Manager.from_queryset(ImprovementActionQuerySet),
    )

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggested_for"],
                condition=models.Q(suggested_for__isnull=False) & ~models.Q(status="done"),
                name="one_open_suggested_action_per_item",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def plan_order(action: "ImprovementAction"):
        """Open actions first, soonest target first; finished ones at the end."""
        import datetime as dt

        return (action.status == ActionStatus.DONE, action.target_date or dt.date.max, action.pk)

    def is_overdue(self, on=None) -> bool:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.status != ActionStatus.DONE and bool(self.target_date and self.target_date < on)


class ImprovementActionItem(models.Model):
    """Links an action to an evidence item's response (an action can cover several)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="items")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="action_items")

    objects = ScopedManager(organisation="organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "response"], name="action_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action} → {self.response_id}"


class OutcomeSummary(models.Model):
    """An assessment's headline figures (outcome, % done, items to the next level, progress
    per standard) as computed on `computed_on` from inputs whose fingerprint is `inputs`.

    The portfolio and the platform overview read these instead of every home's answers;
    `assessments.summaries` reuses a row only while the day and the fingerprint still
    match, and computes it again otherwise (so a save anywhere is picked up at once)."""

    assessment = models.OneToOneField(
        Assessment, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    computed_on = models.DateField()
    inputs = models.CharField(max_length=64)
    figures = models.JSONField(default=dict)

    objects = ScopedManager(organisation="organisation")

    def __str__(self) -> str:
        return f"Summary of {self.assessment_id} on {self.computed_on}"


class OutcomeInputs(models.Model):
    """A stamp that changes, in the writing transaction, with every write to what an
    organisation's outcome reads beyond its assessment and organisation rows: answers,
    document links, documents, the training register, the registers, publications
    (`assessments.receivers`, `summaries.inputs_changed`).

    Part of each `OutcomeSummary` fingerprint, so the portfolio knows a summary is still
    good from one row per home instead of reading every home's answers. One row per
    organisation (not a counter on each assessment): a writer touches one row, so two
    writers never take an organisation's rows in different orders."""

    organisation = models.OneToOneField(
        "organisations.Organisation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    stamp = models.CharField(max_length=32)

    objects = ScopedManager(organisation="organisation")

    def __str__(self) -> str:
        return f"Outcome inputs of {self.organisation_id}: {self.stamp}"
