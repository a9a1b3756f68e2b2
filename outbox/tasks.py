"""Outbox tasks: send one email (claimed first, so a second copy sends nothing), record a
send whose mark failed, and the sweep that queues again whatever nobody finished."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.conf import settings

from . import services
from .models import Email

logger = logging.getLogger(__name__)
# What a mail server or the network can do to a send: worth trying again later.
TRANSIENT = (smtplib.SMTPException, OSError, TimeoutError)


@shared_task(bind=True, max_retries=None)
def outbox_email_send_task(self, email_id: int) -> str:
    try:
        return services.email_send(email_id)
    except TRANSIENT as exc:
        error = f"{type(exc).__name__}: {exc}"
        attempts = Email.objects.filter(pk=email_id).values_list("attempts", flat=True).first()
        if attempts is None or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            services.email_mark_failed(email_id, error=error)
            logger.error("Email %s failed after %s attempts: %s", email_id, attempts, exc)
            return "failed"
        backoff = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
        services.email_release(email_id, error=error, retry_in=backoff)
        raise self.retry(exc=exc, countdown=backoff) from exc


@shared_task(bind=True, max_retries=24 * 60, default_retry_delay=60)
def outbox_email_mark_sent_task(self, email_id: int, sent_at: str) -> None:
    """SMTP accepted the email but the database did not take the mark: keep trying."""
    try:
        services.email_mark_sent(email_id, sent_at=dt.datetime.fromisoformat(sent_at))
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def outbox_sweep_task() -> int:
    """Every minute (beat schedule in the database, see outbox/migrations/0002): queue again
    the emails whose task was lost, and drop sent ones older than a month."""
    ids = services.emails_to_requeue()
    for email_id in ids:
        services.enqueue_now(outbox_email_send_task, email_id)
    services.emails_purge()
    return len(ids)
