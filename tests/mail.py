"""Emails go through the outbox: a row now, sent by a Celery task after commit. Tests that
read `mail.outbox` first run that task's work for every waiting email, as a worker would."""

from django.core import mail

from outbox.models import Email, EmailStatus
from outbox.services import email_send


def deliver_emails() -> list:
    """Send every waiting outbox email (what the worker does) and return `mail.outbox`."""
    for pk in (
        Email.objects.filter(status=EmailStatus.PENDING).order_by("pk").values_list("pk", flat=True)
    ):
        email_send(pk)
    return mail.outbox
