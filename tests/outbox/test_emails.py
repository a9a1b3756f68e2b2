"""Outbox emails: written down with the change, sent by a task after commit, retried, never
sent twice, and found again when their task was lost."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Invitation, Role
from outbox import services
from outbox.models import Email, EmailStatus
from outbox.tasks import outbox_email_mark_sent_task, outbox_email_send_task, outbox_sweep_task

pytestmark = pytest.mark.django_db


def _queue(**kwargs) -> Email:
    return services.email_queue(
        "report_ready",
        to=["sam@example.org"],
        context={"report": {"title": "Assessment report"}, "url": "https://x.example/r/"},
        **kwargs,
    )


def test_an_invitation_is_recorded_and_queued_not_sent_in_the_request(
    client_as, organisation, django_capture_on_commit_callbacks
):
    client = client_as(Role.ADMIN)
    with (
        mock.patch("outbox.tasks.outbox_email_send_task.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("organisations:members", args=[organisation.slug]),
            {"email": "new@example.org", "role": Role.EDITOR},
        )
    assert response.status_code == 302
    assert mail.outbox == []  # no SMTP inside the request
    email = Email.objects.get()
    assert email.to == ["new@example.org"] and email.status == EmailStatus.PENDING
    queued.assert_called_once_with(args=(email.pk,))
    outbox_email_send_task(email.pk)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert (
        reverse("organisations:invitation_accept", args=[invitation.token]) in mail.outbox[0].body
    )


def test_the_email_goes_once_even_if_its_task_runs_twice():
    email = _queue()
    assert outbox_email_send_task(email.pk) == "sent"
    assert outbox_email_send_task(email.pk) == "skipped"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_at is not None
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_broker_that_is_down_loses_nothing(django_capture_on_commit_callbacks):
    with (
        mock.patch(
            "outbox.tasks.outbox_email_send_task.apply_async",
            side_effect=ConnectionRefusedError("redis is down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = _queue()  # no exception reaches the caller
    assert Email.objects.get().status == EmailStatus.PENDING
    with mock.patch("outbox.tasks.outbox_email_send_task.apply_async") as queued:
        assert outbox_sweep_task() == 0  # too soon: its own task may still be on the way
        with time_machine.travel(dt.timedelta(minutes=3)):
            assert outbox_sweep_task() == 1
            assert outbox_sweep_task() == 0  # queued again once, not every minute
    queued.assert_called_once_with(args=(email.pk,))


def test_a_refusing_mail_server_is_retried_then_the_email_is_marked_failed(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = _queue()
    refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        for _ in range(2):
            with pytest.raises(smtplib.SMTPServerDisconnected):  # called directly: retry raises
                outbox_email_send_task(email.pk)
            email.refresh_from_db()
            assert email.status == EmailStatus.PENDING and "closed" in email.last_error
        assert outbox_email_send_task(email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and email.attempts == 3
    assert outbox_email_send_task(email.pk) == "skipped"
    assert mail.outbox == []


def test_a_worker_that_died_while_sending_is_taken_over_after_the_time_limit():
    email = _queue()
    assert services.email_claim(email.pk) is not None  # ... and then the worker was killed
    assert outbox_email_send_task(email.pk) == "skipped"  # a live claim is respected
    with time_machine.travel(dt.timedelta(minutes=8)):
        assert services.emails_to_requeue() == [email.pk]
        assert outbox_email_send_task(email.pk) == "sent"
    assert len(mail.outbox) == 1


def _failing(times: int):
    """email_mark_sent that hits a database error the first `times` calls."""
    real, calls = services.email_mark_sent, []

    def mark(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    return mark


def test_a_mark_that_fails_after_smtp_accepted_is_retried_and_nothing_is_sent_again():
    email = _queue()
    with (
        mock.patch("outbox.services.time.sleep"),
        mock.patch("outbox.services.email_mark_sent", _failing(times=2)),
    ):
        assert outbox_email_send_task(email.pk) == "sent"
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    with time_machine.travel(dt.timedelta(hours=1)):
        assert services.emails_to_requeue() == []
        assert outbox_email_send_task(email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_database_that_stays_away_gets_the_mark_through_the_broker():
    email = _queue()
    with (
        mock.patch("outbox.services.time.sleep"),
        mock.patch("outbox.services.email_mark_sent", _failing(times=99)),
        mock.patch("outbox.tasks.outbox_email_mark_sent_task.apply_async") as handed_over,
    ):
        assert outbox_email_send_task(email.pk) == "sent"
    ((_, kwargs),) = handed_over.call_args_list
    assert Email.objects.get().status == EmailStatus.SENDING
    outbox_email_mark_sent_task(*kwargs["args"])  # the broker delivers it once the DB is back
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    with time_machine.travel(dt.timedelta(hours=1)):
        assert services.emails_to_requeue() == []
    assert len(mail.outbox) == 1
