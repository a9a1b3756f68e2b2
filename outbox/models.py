"""The outbox: work that must happen outside the request, written down before it is queued.

An `Email` row is the whole email (rendered when it was asked for) and its delivery state.
The row is committed with the change that caused it; the queue only carries its id. If the
broker is down, the queue is lost or a worker dies, the row is still pending and the
periodic sweep queues it again. A send task claims the row with a conditional UPDATE, so a
second copy of the task sends nothing.
"""

from django.db import models
from django.utils import timezone


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class EmailQuerySet(models.QuerySet):
    def unfinished(self) -> "EmailQuerySet":
        return self.filter(status__in=[EmailStatus.PENDING, EmailStatus.SENDING])


class Email(models.Model):
    name = models.CharField(max_length=100, help_text="Which email (its template name).")
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When it was last handed to the queue, and when a worker last took it.
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.get_status_display().lower()})"
