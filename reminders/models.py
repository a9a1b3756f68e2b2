"""What is due for whom (Reminder), what was emailed (ReminderEmail), and who opted out.

Idempotency lives in two unique constraints:
- Reminder (recipient, kind, key): the same occasion is recorded once, however many
  sweeps, retries or beat instances run;
- ReminderEmail (recipient, kind, day, slot): at most one email per person per kind per day
  (slot 0); an hourly kind (the breach 72-hour clock) has one slot per hour of the UK day,
  so its emails are not held back until tomorrow when the clock runs out sooner.
A send task claims its email with a conditional UPDATE before sending.
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    DEADLINE = "deadline", "30 June deadline countdown"
    DEADLINE_MISSED = "deadline_missed", "30 June deadline missed"
    DOCUMENT_REVIEW = "document_review", "Documents due for review"
    ACTION_DUE = "action_due", "Improvement actions due"
    OUT_OF_DATE = "out_of_date", "Assessment going out of date"
    CONSULTANT_DIGEST = "consultant_digest", "Weekly portfolio digest"
    SAR_DUE = "sar_due", "Subject access requests due"
    BREACH_CLOCK = "breach_clock", "Breach 72-hour clock"


# Kinds swept every hour (reminders.tasks.breach_clock_task), not by the daily sweep.
HOURLY_KINDS = (Kind.BREACH_CLOCK,)


KIND_HELP = {
    Kind.DEADLINE: "90, 60, 30, 14, 7 and 1 days before 30 June, with what still blocks "
    "Standards Met (IG leads and senior accountable people).",
    Kind.DOCUMENT_REVIEW: "When a document you own is due for review within 30 days, and "
    "weekly once it is overdue.",
    Kind.ACTION_DUE: "When an improvement action you own is due within 7 days, and weekly "
    "once it is overdue.",
    Kind.DEADLINE_MISSED: "Every week after a 30 June deadline passes without a publication, "
    "until it is published (IG leads, senior accountable people and admins).",
    Kind.OUT_OF_DATE: "60, 30 and 7 days before, and on the day, a published assessment is "
    "12 months old and goes out of date.",
    Kind.CONSULTANT_DIGEST: "Once a week: every home you advise, the ones most behind first.",
    Kind.SAR_DUE: "A week before a subject access request must be answered, and weekly once "
    "it is overdue (IG leads).",
    Kind.BREACH_CLOCK: "While a breach has no reporting decision: when it is logged, with 24 "
    "and 6 hours left of the 72, and once when the 72 hours have run out (IG leads, senior "
    "accountable people and admins).",
}


class Reminder(models.Model):
    """One occasion to remind one person of one thing (e.g. 'policy X overdue, week 14')."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(
        max_length=120, help_text="Identifies the occasion; unique per person and kind."
    )
    due_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    sort_key = models.IntegerField(default=0, help_text="Lower comes first in the email.")
    created_at = models.DateTimeField(auto_now_add=True)
    email = models.ForeignKey(
        "ReminderEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sort_key", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="reminder_once_per_occasion"
            )
        ]
        indexes = [models.Index(fields=["recipient", "kind", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} → {self.recipient}"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ReminderEmail(models.Model):
    """The one email a person gets for one kind on one day, grouping its reminders."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    day = models.DateField()
    slot = models.PositiveSmallIntegerField(
        default=0, help_text="Hour of the UK day for an hourly kind's email; 0 for daily kinds."
    )
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "day", "slot"], name="one_email_per_kind_per_slot"
            )
        ]
        indexes = [models.Index(fields=["status", "day"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} on {self.day}"


class NotificationPreference(models.Model):
    """A person's choice for one kind of reminder. No row means 'on'."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {'on' if self.enabled else 'off'}"
