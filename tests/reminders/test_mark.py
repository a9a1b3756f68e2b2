"""One reminder is one email: when SMTP has accepted a reminder email but the database
fails to take the "sent" mark, the next sweep does not send it again."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError

from evidence.models import Document
from organisations.models import Role
from reminders import services
from reminders.models import EmailStatus, Reminder, ReminderEmail
from reminders.tasks import email_send, reminder_email_mark_sent_task, reminder_email_send_task
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


@pytest.fixture
def email_id():
    owner = UserFactory(email="ig@meadow.example")
    org = OrganisationFactory(name="Meadowbank House")
    MembershipFactory(organisation=org, user=owner, role=Role.EDITOR)
    Document.objects.create(
        organisation=org, title="Policy", owner=owner, next_review_due=dt.date(2026, 3, 10)
    )
    with time_machine.travel("2026-03-01T07:00:00+00:00", tick=False):
        dues = services.reminders_collect(day=DAY, organisation_ids=[org.pk])
        services.reminders_record(dues=dues)
        (email_id,) = services.reminders_dispatch(day=DAY)
    return email_id


def _mark_failing(times: int):
    real, calls = services.email_mark_sent, []

    def mark(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("terminating connection due to administrator command")
        return real(*args, **kwargs)

    return mark


def _next_sweep_sends_nothing(email_id: int) -> None:
    with time_machine.travel("2026-03-02T07:00:00+00:00"):  # a day later: any claim is stale
        assert services.emails_to_rescue(day=DAY + dt.timedelta(days=1)) == []
        assert email_send(email_id) == "skipped"
    assert len(mail.outbox) == 1


def test_a_mark_that_fails_once_after_smtp_accepted_is_retried(email_id):
    with (
        mock.patch("outbox.services.time.sleep"),
        mock.patch("reminders.services.email_mark_sent", _mark_failing(times=1)),
    ):
        assert reminder_email_send_task(email_id) == "sent"
    email = ReminderEmail.objects.get(pk=email_id)
    assert email.status == EmailStatus.SENT
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    _next_sweep_sends_nothing(email_id)


def test_a_database_that_stays_away_gets_the_mark_through_the_broker(email_id):
    with (
        mock.patch("outbox.services.time.sleep"),
        mock.patch("reminders.services.email_mark_sent", _mark_failing(times=99)),
        mock.patch("reminders.tasks.reminder_email_mark_sent_task.apply_async") as handed_over,
    ):
        assert reminder_email_send_task(email_id) == "sent"
    assert ReminderEmail.objects.get(pk=email_id).status == EmailStatus.SENDING
    ((_, kwargs),) = handed_over.call_args_list
    reminder_email_mark_sent_task(*kwargs["args"])  # delivered once the database is back
    assert ReminderEmail.objects.get(pk=email_id).status == EmailStatus.SENT
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    _next_sweep_sends_nothing(email_id)
