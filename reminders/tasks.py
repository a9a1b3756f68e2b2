"""Reminder tasks: a daily sweep fans out per batch of organisations; each email is sent
by its own task that claims it first, so re-runs and retries never send twice."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.summaries import summaries_for
from organisations.models import Membership, Organisation, Role
from outbox.services import enqueue_now, write_after_send

from . import services
from .collect import breach_clocks, consultant_digest
from .models import HOURLY_KINDS

logger = logging.getLogger(__name__)
TRANSIENT = (smtplib.SMTPException, OSError, TimeoutError)


def _day(day: str | None) -> dt.date:
    return dt.date.fromisoformat(day) if day else timezone.localdate()


def _keyset(queryset, field: str, size: int):
    """Distinct values of `field` in ascending order, `size` at a time: one bounded query
    per batch instead of the whole country's ids in memory at once."""
    last = None
    while True:
        page = queryset if last is None else queryset.filter(**{f"{field}__gt": last})
        batch = list(page.order_by(field).values_list(field, flat=True).distinct()[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def sweep_batches(size: int | None = None):
    """("organisations", ids) then ("consultants", ids), each batch at most `size` long.

    The daily task and `send_reminders` walk the same batches, so a sweep over 30,000
    homes never collects, records or dispatches more than one batch at a time."""
    size = size or settings.REMINDER_BATCH_SIZE
    with scopes_disabled():
        # A closing organisation is read-only until its erasure: nothing to remind anyone of.
        for batch in _keyset(Organisation.objects.filter(closes_on__isnull=True), "pk", size):
            yield "organisations", batch
        consultants = Membership.objects.filter(role=Role.CONSULTANT)
        for batch in _keyset(consultants, "user_id", size):
            yield "consultants", batch


def batch_dues(day: dt.date, what: str, ids: list[int]):
    """What is due for one batch of `sweep_batches`."""
    if what == "organisations":
        return services.reminders_collect(day=day, organisation_ids=ids)
    return consultant_digest(day, ids)


@shared_task(acks_late=True)
def reminders_sweep_task(day: str | None = None) -> int:
    """Daily (see the beat schedule in the admin): fan out one task per batch, so the
    work is spread over every worker."""
    day = _day(day).isoformat()
    # Emails a dead worker left half-done, or whose task was lost, get another go.
    with scopes_disabled():
        for email_id in services.emails_to_rescue(day=_day(day)):
            reminder_email_send_task.delay(email_id)
    batches = 0
    for what, batch in sweep_batches():
        task = reminders_batch_task if what == "organisations" else reminders_digest_task
        task.delay(day, batch)
        batches += 1
    return batches


def _record_and_dispatch(day: dt.date, dues) -> list[int]:
    services.reminders_record(dues=dues)
    email_ids = services.reminders_dispatch(day=day, recipient_ids=services.recipients_of(dues))
    for email_id in email_ids:
        reminder_email_send_task.delay_on_commit(email_id)
    return email_ids


@shared_task(acks_late=True)
def reminders_batch_task(day: str, organisation_ids: list[int]) -> int:
    day_ = _day(day)
    with scopes_disabled():
        dues = services.reminders_collect(day=day_, organisation_ids=organisation_ids)
        sent = len(_record_and_dispatch(day_, dues))
        # The day's figures for the portfolio and the platform overview, worked out here a
        # batch at a time so the first look of the day does not work out 30,000 at once.
        summaries_for(list(Organisation.objects.filter(pk__in=organisation_ids)), today=day_)
        return sent


@shared_task(acks_late=True)
def reminders_digest_task(day: str, consultant_ids: list[int]) -> int:
    day_ = _day(day)
    with scopes_disabled():
        return len(_record_and_dispatch(day_, consultant_digest(day_, consultant_ids)))


def breach_clock_sweep(now: dt.datetime | None = None) -> list[int]:
    """Record the breach clock points reached by `now` and attach them to this hour's
    email per person (slot: the hour of the UK day); return the emails to send. The
    reminders are in the database before any send task is queued (on commit)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    with scopes_disabled():
        dues = breach_clocks(now)
        services.reminders_record(dues=dues)
        return services.reminders_dispatch(
            day=local.date(),
            recipient_ids=services.recipients_of(dues),
            kinds=HOURLY_KINDS,
            slot=local.hour,
        )


@shared_task(acks_late=True)
def breach_clock_task() -> int:
    """Hourly (see the beat schedule in the admin): the 72-hour clock of every breach with
    no reporting decision. Running it twice, or two at once, sends nothing twice."""
    with scopes_disabled():
        for email_id in services.emails_to_rescue(day=timezone.localdate(), kinds=HOURLY_KINDS):
            reminder_email_send_task.delay(email_id)
    email_ids = breach_clock_sweep()
    for email_id in email_ids:
        reminder_email_send_task.delay_on_commit(email_id)
    return len(email_ids)


def email_send(email_id: int) -> str:
    """Claim, render and send one reminder email. Returns what happened.

    Once SMTP has accepted the email, marking it sent must not be lost, or the next sweep
    would take the unmarked claim for a dead worker's and send it again: the mark rides out
    a dropped database connection, and if the database stays away it is handed to the
    broker (`reminder_email_mark_sent_task`), which keeps trying.
    """
    email = services.email_claim(email_id)
    if email is None:
        return "skipped"
    rendered = services.email_render(email)
    if rendered is None:
        services.email_mark_sent_empty(email)
        return "empty"
    rendered.message.send()
    sent_at = timezone.now()
    subject = rendered.message.subject
    try:
        write_after_send(
            lambda: services.email_mark_sent(
                email.pk, rendered.reminder_ids, sent_at=sent_at, subject=subject
            )
        )
    except DatabaseError:
        logger.exception("Reminder email %s went out but could not be marked sent", email_id)
        enqueue_now(
            reminder_email_mark_sent_task,
            email.pk,
            rendered.reminder_ids,
            sent_at.isoformat(),
            subject,
        )
    return "sent"


@shared_task(bind=True, max_retries=24 * 60, default_retry_delay=60)
def reminder_email_mark_sent_task(
    self, email_id: int, reminder_ids: list[int], sent_at: str, subject: str
) -> None:
    """The email went out; the database did not take the mark then. Keep trying."""
    try:
        services.email_mark_sent(
            email_id, reminder_ids, sent_at=dt.datetime.fromisoformat(sent_at), subject=subject
        )
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5)
def reminder_email_send_task(self, email_id: int) -> str:
    with scopes_disabled():
        try:
            return email_send(email_id)
        except TRANSIENT as exc:
            if self.request.retries >= self.max_retries:
                services.email_mark_failed(email_id, f"{type(exc).__name__}: {exc}")
                logger.error("Reminder email %s failed after retries: %s", email_id, exc)
                return "failed"
            services.email_release(email_id, f"{type(exc).__name__}: {exc}")
            backoff = settings.REMINDER_RETRY_BASE_SECONDS * 2**self.request.retries
            raise self.retry(exc=exc, countdown=backoff) from exc
