"""Background work for the dashboards: the reminder a consultant sends to a home's IG lead.

The task takes the id of the "reminder.requested" activity entry that the portfolio wrote
(see `portfolio.ig_lead_reminders_request`) and is safe to run twice: it sends nothing
when a "reminder.sent" entry already points at that request. SMTP and network errors are
retried with backoff; after the last retry a "reminder.failed" entry is recorded.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from dspt_portal.emails import send_templated_email
from organisations.models import ActivityLog
from organisations.services import activity_record

from .read_models import home_dashboard

logger = logging.getLogger(__name__)
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


def _already_sent(request_id: int) -> bool:
    return ActivityLog.objects.filter(
        action="reminder.sent", changes__request__1=request_id
    ).exists()


def ig_lead_reminder_send(*, request_id: int) -> bool:
    """Email the IG lead named in the request; False when there is nothing (more) to send."""
    with scopes_disabled():
        entry = (
            ActivityLog.objects.select_related("organisation__ig_lead", "actor")
            .filter(pk=request_id, action="reminder.requested")
            .first()
        )
        if entry is None or entry.organisation is None or _already_sent(request_id):
            return False
        organisation, sender = entry.organisation, entry.actor
    ig_lead = organisation.ig_lead
    if ig_lead is None or not ig_lead.email:
        return False
    with scope(organisation=organisation):
        board = home_dashboard(organisation)
        send_templated_email(
            "portfolio_reminder",
            to=[ig_lead.email],
            context={
                "organisation": organisation,
                "recipient": ig_lead,
                "sender": sender,
                "board": board,
                "url": settings.SITE_URL + reverse("organisations:home", args=[organisation.slug]),
            },
            # The consultant asked for it: a reply should reach them, not a no-reply box.
            reply_to=[sender.email] if sender is not None and sender.email else None,
        )
        activity_record(
            organisation=organisation,
            actor=sender,
            action="reminder.sent",
            target=organisation,
            changes={"request": [None, request_id], "to": [None, ig_lead.email]},
        )
    return True


def _record_failure(task, exc, task_id, args, kwargs, einfo) -> None:
    request_id = args[0] if args else kwargs.get("request_id")
    with scopes_disabled():
        entry = ActivityLog.objects.filter(pk=request_id).select_related("organisation").first()
        if entry is not None:
            activity_record(
                organisation=entry.organisation,
                actor=entry.actor,
                action="reminder.failed",
                target=entry.organisation,
                changes={"request": [None, request_id], "error": [None, str(exc)[:200]]},
            )
    logger.warning("IG lead reminder %s failed: %s", request_id, exc)


@shared_task(
    # The name it had in organisations/, so tasks queued before the move still run.
    name="organisations.tasks.ig_lead_reminder_task",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    on_failure=_record_failure,
)
def ig_lead_reminder_task(request_id: int) -> bool:
    return ig_lead_reminder_send(request_id=request_id)
