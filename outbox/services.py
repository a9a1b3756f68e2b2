"""Queue work through the database, send outbox emails, and find work nobody finished.

Other apps:
- `email_queue(name, *, to, context, headers=None) -> Email | None`: render the email now and
  record it in the current transaction; it is sent by a Celery task once that commits.
- `enqueue_on_commit(task, *args)`: hand a task to the broker after commit. A broker that is
  down is logged, never raised: the row the task works on is saved, and a sweep queues it.
- `write_after_send(write)`: record that SMTP accepted an email, riding out a dropped
  database connection, so one email is never sent twice because its mark was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from dspt_portal.emails import render_email

from .models import Email, EmailStatus

logger = logging.getLogger(__name__)


def stale_claim() -> dt.timedelta:
    """A claim older than the hard task time limit belongs to a worker that is gone."""
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


# ---------------------------------------------------------------- queueing


def enqueue_now(task, *args) -> bool:
    """Send `task(*args)` to the broker; False (and a warning) when the broker is down."""
    try:
        task.apply_async(args=args)
    except Exception:  # kombu/redis raise several kinds; none of them may fail the request
        logger.warning("Could not queue %s%r; the outbox sweep will queue it", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: enqueue_now(task, *args))


# ---------------------------------------------------------------- emails


def email_queue(
    name: str, *, to: list[str], context: dict, headers: dict | None = None
) -> Email | None:
    """Render the email from templates/emails/<name>_* now and record it for sending."""
    to = [address for address in to if address]
    if not to:
        return None
    subject, text, html = render_email(name, context)
    email = Email.objects.create(
        name=name, to=to, subject=subject[:300], text=text, html=html, headers=headers or {}
    )
    from .tasks import outbox_email_send_task

    enqueue_on_commit(outbox_email_send_task, email.pk)
    return email


def email_claim(email_id: int, *, task_id: str | None = None) -> Email | None:
    """Take the email for sending; None if it is sent, failed or being sent by someone else.

    A claim older than the task time limit is abandoned (its worker died) and may be taken.
    """
    now = timezone.now()
    claimed = Email.objects.filter(
        Q(status=EmailStatus.PENDING)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=now - stale_claim()),
        pk=email_id,
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
    ).update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return Email.objects.get(pk=email_id)


def email_message(email: Email) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers=email.headers or None,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def email_send(email_id: int) -> str:
    """Claim, send and mark one email. SMTP errors propagate so the task can retry."""
    email = email_claim(email_id)
    if email is None:
        return "skipped"
    email_message(email).send()  # the backend's timeout is EMAIL_TIMEOUT
    sent_at = timezone.now()
    try:
        write_after_send(lambda: email_mark_sent(email_id, sent_at=sent_at))
    except DatabaseError:
        from .tasks import outbox_email_mark_sent_task

        logger.exception("Email %s went out but could not be marked; marking it later", email_id)
        enqueue_now(outbox_email_mark_sent_task, email_id, sent_at.isoformat())
    return "sent"


def email_mark_sent(email_id: int, *, sent_at: dt.datetime) -> None:
    Email.objects.filter(pk=email_id).exclude(status=EmailStatus.SENT).update(
        status=EmailStatus.SENT, sent_at=sent_at, last_error=""
    )


def email_release(email_id: int, *, error: str, retry_in: int) -> None:
    """Give a failed attempt back; the retry (or, if that is lost, the sweep) sends it."""
    Email.objects.filter(pk=email_id, status=EmailStatus.SENDING).update(
        status=EmailStatus.PENDING,
        last_error=error[:2000],
        queued_at=timezone.now() + dt.timedelta(seconds=retry_in),
    )


def email_mark_failed(email_id: int, *, error: str) -> None:
    Email.objects.filter(pk=email_id).exclude(status=EmailStatus.SENT).update(
        status=EmailStatus.FAILED, last_error=error[:2000]
    )


def emails_to_requeue() -> list[int]:
    """Emails whose task was lost: still waiting long after they were queued, or claimed by a
    worker that is gone. Those that used up their attempts are marked failed instead."""
    now = timezone.now()
    dead_claim = Q(status=EmailStatus.SENDING, claimed_at__lt=now - stale_claim())
    Email.objects.filter(dead_claim, attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=EmailStatus.FAILED, last_error="Gave up: the sending worker stopped every time."
    )
    waiting = Email.objects.filter(
        Q(status=EmailStatus.PENDING, queued_at__lt=now - requeue_after()) | dead_claim
    )
    ids = list(waiting.values_list("pk", flat=True))
    # Waiting again, and not queued again before OUTBOX_REQUEUE_SECONDS.
    waiting.filter(pk__in=ids).update(status=EmailStatus.PENDING, queued_at=now)
    return ids


def requeue_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)


def emails_purge(*, older_than_days: int = 30) -> int:
    """Sent emails hold personal data and links; keep them a month for support, then go."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    return Email.objects.filter(status=EmailStatus.SENT, sent_at__lt=cutoff).delete()[0]


# ---------------------------------------------------------------- after SMTP said yes


def write_after_send(write: Callable[[], None], *, tries: int = 4, wait: float = 0.5) -> None:
    """Run `write` (recording that an email went out) in its own transaction until it commits.

    The email has gone; if this write were lost, the row would still look unsent and a sweep
    would send it again. A database error here is usually a dropped connection (a restart or
    failover): reconnect and try again. The last error is raised for the caller to hand the
    write to the broker.
    """
    for attempt in range(tries):
        try:
            with transaction.atomic(durable=True):  # committed here, whatever the caller does
                write()
            return
        except DatabaseError:
            if attempt == tries - 1:
                raise
            logger.warning("Recording a sent email failed (try %s); retrying", attempt + 1)
            if not connection.in_atomic_block:
                connection.close()  # the next query opens a fresh connection
            time.sleep(wait * 2**attempt)
