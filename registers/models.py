"""Registers that answer toolkit items with live figures: the breach and incident log,
subject access requests, IT systems and devices, suppliers, information assets,
continuity plan tests.

Each register is a tenant table with a direct `organisation` FK and a django-scopes manager
(STYLE §3.4). One-row rules live here; writes and audit in services.py.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

# The ICO expects a reportable breach to be reported within 72 hours of becoming aware
# of it (docs/dspt-rules.md, "Registers").
REPORT_WITHIN = dt.timedelta(hours=72)


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Reporting(models.TextChoices):
    NOT_DECIDED = "not_decided", "Not decided yet"
    TOOLKIT = "toolkit", "Reported through the toolkit's incident tool"
    ICO = "ico", "Reported to the ICO directly"
    NOT_REPORTABLE = "not_reportable", "Not reportable (the incident tool or ICO guidance says so)"


class PeopleTold(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    TOLD = "told", "Yes, they were told"
    NOT_NEEDED = "not_needed", "Not needed (the risk to them is not high)"


class ClockState(models.TextChoices):
    RUNNING = "running", "72-hour clock running"
    OVERDUE = "overdue", "Over 72 hours, not reported"
    STOPPED = "stopped", "Reporting decided"


class BreachQuerySet(models.QuerySet):
    def clock_open(self) -> "BreachQuerySet":
        """Breaches with no reporting decision yet: the 72-hour clock is running or past."""
        return self.filter(reporting=Reporting.NOT_DECIDED)

    def discovered_since(self, day: dt.date) -> "BreachQuerySet":
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        return self.filter(discovered_at__gte=start)


class Breach(models.Model):
    """One data breach, incident or near miss (6.1.1–6.1.3)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="breaches"
    )
    title = models.CharField(
        "short title",
        max_length=200,
        help_text="What happened in a few words, e.g. “Care plan emailed to the wrong family”.",
    )
    description = models.TextField("what happened", blank=True)
    discovered_at = models.DateTimeField(
        "when it was found",
        help_text="The date and time someone here became aware of it: the 72 hours start then.",
    )
    people_affected = models.PositiveIntegerField(
        "number of people affected",
        null=True,
        blank=True,
        help_text="Leave empty if you do not know yet.",
    )
    risk = models.CharField(
        "risk to the people affected", max_length=10, choices=Risk.choices, default=Risk.LOW
    )
    actions = models.TextField(
        "actions taken", blank=True, help_text="What was done, and what stops it happening again."
    )
    signed_off_by = models.CharField(
        "signed off by",
        max_length=200,
        blank=True,
        help_text="The manager who approved the actions: their job title, e.g. Registered Manager.",
    )
    signed_off_on = models.DateField("signed off on", null=True, blank=True)
    reporting = models.CharField(
        "reported to the ICO or the toolkit",
        max_length=20,
        choices=Reporting.choices,
        default=Reporting.NOT_DECIDED,
    )
    reported_at = models.DateTimeField("when it was reported", null=True, blank=True)
    reporting_notes = models.TextField(
        "reference or reason",
        blank=True,
        help_text="The incident reference, or why it did not need reporting.",
    )
    people_told = models.CharField(
        "were the people affected told?",
        max_length=20,
        choices=PeopleTold.choices,
        default=PeopleTold.NOT_YET,
    )
    people_told_on = models.DateField("when they were told", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(
        organisation="organisation", _manager_class=BreachQuerySet.as_manager().__class__
    )

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Cross-field rules, each message on the field to fix (the form and the import)."""
        errors: dict[str, str] = {}
        now = timezone.now()
        found = self.discovered_at
        if found and found > now + dt.timedelta(minutes=5):
            errors["discovered_at"] = "This is in the future. Give the date and time it was found."
        reported = self.reporting in (Reporting.TOOLKIT, Reporting.ICO)
        if reported and not self.reported_at:
            errors["reported_at"] = "Give the date and time it was reported."
        elif self.reported_at and not reported:
            errors["reported_at"] = (
                "Choose where it was reported above, or clear this date if it was not reported."
            )
        elif self.reported_at and found and self.reported_at < found:
            errors["reported_at"] = "This is before the breach was found."
        if self.reporting == Reporting.NOT_REPORTABLE and not self.reporting_notes.strip():
            errors["reporting_notes"] = (
                "Say why it did not need reporting (for example, what the incident tool said)."
            )
        if self.people_told == PeopleTold.TOLD and not self.people_told_on:
            errors["people_told_on"] = "Give the date the people affected were told."
        if self.risk == Risk.HIGH and self.people_told == PeopleTold.NOT_NEEDED:
            errors["people_told"] = (
                "When the risk is high, the people affected must be told (item 6.1.3)."
            )
        if self.signed_off_on and not self.signed_off_by.strip():
            errors["signed_off_by"] = "Give the job title of the manager who signed it off."
        elif self.signed_off_by.strip() and not self.signed_off_on:
            errors["signed_off_on"] = "Give the date the actions were signed off."
        elif self.signed_off_on and found and self.signed_off_on < timezone.localdate(found):
            errors["signed_off_on"] = "This is before the breach was found."
        if errors:
            raise ValidationError(errors)

    @property
    def report_by(self) -> dt.datetime:
        return self.discovered_at + REPORT_WITHIN

    def clock_state(self, now: dt.datetime | None = None) -> str:
        """Running until 72 hours after discovery; at the 72nd hour it is overdue."""
        if self.reporting != Reporting.NOT_DECIDED:
            return ClockState.STOPPED
        now = now or timezone.now()
        return ClockState.RUNNING if now < self.report_by else ClockState.OVERDUE

    def hours_left(self, now: dt.datetime | None = None) -> int:
        """Whole hours left on the clock (0 when less than an hour or past)."""
        now = now or timezone.now()
        return max(0, int((self.report_by - now).total_seconds() // 3600))

    @property
    def is_signed_off(self) -> bool:
        return bool(self.signed_off_by and self.signed_off_on)

    @property
    def people_need_telling(self) -> bool:
        return self.risk == Risk.HIGH and self.people_told != PeopleTold.TOLD


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it is shorter (the ICO's
    reading of "one calendar month": 31 January + 1 month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


SAR_DUE_SOON_DAYS = 7


class SubjectAccessRequestQuerySet(models.QuerySet):
    def open(self) -> "SubjectAccessRequestQuerySet":
        return self.filter(completed_on__isnull=True)


class SubjectAccessRequest(models.Model):
    """A request from a person for a copy of their personal data (one month to answer)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="subject_access_requests",
    )
    requester = models.CharField(
        "who asked",
        max_length=200,
        help_text="A name or your own reference, e.g. “Resident’s daughter, room 4”.",
    )
    received_on = models.DateField(
        "received on", help_text="The day the request reached anyone here: the month starts then."
    )
    identity_checked_on = models.DateField("identity checked on", null=True, blank=True)
    extension_reason = models.TextField(
        "reason for extending",
        blank=True,
        help_text=(
            "Only for a complex request, or many from the same person: the deadline becomes "
            "three months. Tell them within the first month, with this reason."
        ),
    )
    completed_on = models.DateField("answered on", null=True, blank=True)
    notes = models.TextField("notes", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(
        organisation="organisation",
        _manager_class=SubjectAccessRequestQuerySet.as_manager().__class__,
    )

    class Meta:
        ordering = ["completed_on", "received_on", "pk"]
        verbose_name = "subject access request"

    def __str__(self) -> str:
        if not self.received_on:
            return self.requester
        return f"{self.requester} ({self.received_on:%-d %b %Y})"

    @property
    def is_extended(self) -> bool:
        return bool(self.extension_reason.strip())

    @property
    def due_on(self) -> dt.date:
        """One calendar month from receipt; three when extended (docs/dspt-rules.md)."""
        return add_months(self.received_on, 3 if self.is_extended else 1)

    def status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.completed_on:
            return "late" if self.completed_on > self.due_on else "done"
        if today > self.due_on:
            return "overdue"
        if (self.due_on - today).days <= SAR_DUE_SOON_DAYS:
            return "due_soon"
        return "open"

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        received = self.received_on
        for name in ("received_on", "identity_checked_on", "completed_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This is in the future."
            elif value and received and name != "received_on" and value < received:
                errors[name] = "This is before the request was received."
        if self.completed_on and not self.identity_checked_on and "completed_on" not in errors:
            errors["identity_checked_on"] = (
                "Record when you checked who they are: a copy must only go to the person "
                "it is about, or someone they have authorised."
            )
        if errors:
            raise ValidationError(errors)


class AssetKind(models.TextChoices):
    SOFTWARE = "software", "Software or online system (care planning, eMAR, rota, email)"
    COMPUTER = "computer", "Desktop or laptop"
    MOBILE = "mobile", "Tablet or phone"
    SERVER = "server", "Server or storage"
    NETWORK = "network", "Router, switch or firewall"
    OTHER = "other", "Other"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "n/a", "Not applicable"


class ITAssetQuerySet(models.QuerySet):
    def unsupported(self, on: dt.date) -> "ITAssetQuerySet":
        return self.filter(retired_on__isnull=True, supported_until__lt=on)

    def in_use(self) -> "ITAssetQuerySet":
        return self.filter(retired_on__isnull=True)


class ITAsset(models.Model):
    """A system or device on the hardware and software register (7.1.1, 8.x, 4.5.3, 9.5.2)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="it_assets"
    )
    name = models.CharField(
        "system or device", max_length=200, help_text="e.g. “Office laptop 2” or “eMAR system”."
    )
    kind = models.CharField("type", max_length=20, choices=AssetKind.choices)
    supplier = models.CharField("supplier or maker", max_length=200, blank=True)
    supported_until = models.DateField(
        "supported until",
        null=True,
        blank=True,
        help_text="When the maker stops security updates (e.g. Windows 10: 14 October 2025).",
    )
    mfa = models.CharField(
        "multi-factor authentication on",
        max_length=5,
        choices=YesNo.choices,
        default=YesNo.NOT_APPLICABLE,
    )
    encrypted = models.CharField(
        "encrypted", max_length=5, choices=YesNo.choices, default=YesNo.NOT_APPLICABLE
    )
    backups_tested_on = models.DateField(
        "backups last test-restored on",
        null=True,
        blank=True,
        help_text="For systems and devices holding data only you keep.",
    )
    risk_note = models.TextField(
        "if unsupported: the risk and how it is reduced",
        blank=True,
        help_text="With the manager who approved it and when (8.2.1).",
    )
    checked_on = models.DateField(
        "details last checked on",
        help_text="The register must be reviewed at least every 12 months (7.1.1).",
    )
    retired_on = models.DateField(
        "no longer used from", null=True, blank=True, help_text="Leave empty while it is in use."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(
        organisation="organisation", _manager_class=ITAssetQuerySet.as_manager().__class__
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "IT system or device"

    def __str__(self) -> str:
        return self.name

    def is_unsupported(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.retired_on is None and bool(self.supported_until and self.supported_until < on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for name in ("backups_tested_on", "checked_on", "retired_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This is in the future."
        if errors:
            raise ValidationError(errors)


class Supplier(models.Model):
    """A supplier that handles personal data or looks after the IT (10.1.2, 10.2.x, 4.3.1)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="suppliers"
    )
    name = models.CharField("supplier", max_length=200)
    service = models.CharField(
        "what they do for you", max_length=200, help_text="e.g. “IT support” or “Payroll”."
    )
    contact = models.CharField("contact details", max_length=200, blank=True)
    handles_personal_data = models.BooleanField("handles personal data", default=True)
    contract_terms = models.CharField(
        "contract has data protection terms (UK GDPR Article 28)",
        max_length=5,
        choices=YesNo.choices,
        default=YesNo.NOT_APPLICABLE,
    )
    certification = models.CharField(
        "cyber security certification",
        max_length=200,
        blank=True,
        help_text="e.g. “Cyber Essentials Plus, until March 2027” or “ISO 27001”.",
    )
    admin_access = models.BooleanField(
        "has administrator access to your IT",
        default=False,
        help_text="For example, an IT support firm that can log in to your systems remotely.",
    )
    admin_agreement_signed_on = models.DateField(
        "higher-standard agreement signed on",
        null=True,
        blank=True,
        help_text="Everyone with administrator access must sign one (4.3.1).",
    )
    # The signed agreement itself, kept in this home's evidence library. Optional: the date
    # alone answers 4.3.1; the document is what an inspector asks to see.
    admin_agreement_document = models.ForeignKey(
        "evidence.Document",
        verbose_name="the signed agreement in your evidence library",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_on = models.DateField("details last checked on")
    ended_on = models.DateField(
        "no longer used from", null=True, blank=True, help_text="Leave empty while you use them."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_admin_agreement(self) -> bool:
        return self.ended_on is None and self.admin_access and not self.admin_agreement_signed_on

    @property
    def needs_agreement_document(self) -> bool:
        """Signed, by the date given, but the signed copy is not in the library yet."""
        return bool(
            self.admin_access
            and self.admin_agreement_signed_on
            and not self.admin_agreement_document_id
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for name in ("admin_agreement_signed_on", "checked_on", "ended_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This is in the future."
        signed = self.admin_agreement_signed_on
        document = self.admin_agreement_document
        if (
            (signed or document)
            and not self.admin_access
            and "admin_agreement_signed_on" not in errors
        ):
            errors["admin_access"] = (
                "You recorded an administrator agreement: tick this if they have "
                "administrator access."
            )
        if document and self.organisation_id and document.organisation_id != self.organisation_id:
            errors["admin_agreement_document"] = "Choose a document from your own library."
        if errors:
            raise ValidationError(errors)


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    CONTRACT = "contract", "Contract"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    PUBLIC_TASK = "public_task", "Public task"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"


class HeldAs(models.TextChoices):
    PAPER = "paper", "Paper"
    DIGITAL = "digital", "Digital files"
    SYSTEM = "system", "In a system or app"
    MIXED = "mixed", "Paper and digital"


class InformationAsset(models.Model):
    """One entry in the information asset register and record of processing (1.1.2)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="information_assets"
    )
    name = models.CharField(
        "information asset", max_length=200, help_text="e.g. “Care plans” or “Staff files”."
    )
    owner = models.CharField(
        "owner", max_length=200, help_text="A job title, e.g. “Registered Manager”."
    )
    personal_data = models.TextField(
        "what personal data it holds", help_text="e.g. names, health, medication, next of kin."
    )
    lawful_basis = models.CharField(
        "lawful basis", max_length=30, choices=LawfulBasis.choices, blank=True
    )
    held_as = models.CharField("held as", max_length=10, choices=HeldAs.choices)
    where = models.CharField(
        "where it is held", max_length=200, blank=True, help_text="The system, office or cabinet."
    )
    retention = models.CharField(
        "how long it is kept", max_length=200, blank=True, help_text="e.g. “8 years after death”."
    )
    shared_with = models.TextField(
        "shared with (data flows)",
        blank=True,
        help_text="Who receives it and how, e.g. “GP by NHSmail”, “pharmacy via eMAR”.",
    )
    reviewed_on = models.DateField(
        "last reviewed by management on",
        help_text="The register must be reviewed by management every 12 months (1.1.2).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "This is in the future."})


class Scenario(models.TextChoices):
    CYBER = "cyber", "Cyber attack (ransomware, hacked email)"
    POWER = "power", "Power cut"
    INTERNET = "internet", "Internet or phone lines down"
    IT_FAILURE = "it_failure", "Computer or system failure"
    BUILDING = "building", "Losing the office or building"
    OTHER = "other", "Other"


class ContinuityTest(models.Model):
    """One test or exercise of the business continuity plan (7.1.2, 7.2.1)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="continuity_tests"
    )
    tested_on = models.DateField("tested on")
    scenario = models.CharField("scenario", max_length=20, choices=Scenario.choices)
    description = models.TextField(
        "what you did", help_text="e.g. “Tabletop exercise: eMAR down for a day”."
    )
    outcome = models.TextField("what happened", blank=True)
    lessons = models.TextField(
        "lessons and changes to the plan", blank=True, help_text="What you changed afterwards."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-tested_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_scenario_display()} ({self.tested_on:%-d %b %Y})"

    def clean(self) -> None:
        if self.tested_on and self.tested_on > timezone.localdate():
            raise ValidationError({"tested_on": "This is in the future."})
