"""Reminders to IG leads from the portfolio: once per home per day, recorded, sent through the
outbox after commit, exactly once."""

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from dashboards.portfolio import ig_lead_reminders_request
from organisations.models import ActivityLog, Role
from outbox.models import Email
from outbox.services import email_send
from tests.dashboards.conftest import build_homes
from tests.factories import OrganisationFactory, UserFactory
from tests.mail import deliver_emails

pytestmark = pytest.mark.django_db


def _logs(**filters) -> list[ActivityLog]:
    with scopes_disabled():
        return list(ActivityLog.objects.filter(**filters).select_related("actor", "organisation"))


def _log(**filters) -> ActivityLog:
    (entry,) = _logs(**filters)
    return entry


@pytest.fixture
def ig_lead(db):
    return UserFactory(email="iglead@home.example", full_name="Tom Okafor")


def test_request_records_activity_and_enqueues_after_commit(
    consultant, catalogue, ig_lead, today, django_capture_on_commit_callbacks
):
    homes = build_homes(2, consultant, catalogue, ig_lead=ig_lead)

    with django_capture_on_commit_callbacks() as callbacks:
        result = ig_lead_reminders_request(user=consultant, organisation_ids=[h.pk for h in homes])

    assert [o.pk for o in result.queued] == [h.pk for h in homes]
    assert len(callbacks) == 2
    entries = _logs(action="reminder.requested")
    assert {e.organisation_id for e in entries} == {h.pk for h in homes}
    assert all(e.actor == consultant for e in entries)


def test_at_most_one_reminder_per_home_per_day(consultant, catalogue, ig_lead, today):
    [home] = build_homes(1, consultant, catalogue, ig_lead=ig_lead)
    ig_lead_reminders_request(user=consultant, organisation_ids=[home.pk])

    again = ig_lead_reminders_request(user=consultant, organisation_ids=[home.pk])

    assert again.queued == []
    assert again.skipped == [(home, "already reminded today")]
    assert len(_logs(action="reminder.requested")) == 1


def test_homes_without_an_ig_lead_or_outside_the_portfolio_are_skipped(
    consultant, catalogue, today
):
    [home] = build_homes(1, consultant, catalogue, ig_lead=None)
    stranger = OrganisationFactory(ig_lead=UserFactory())

    result = ig_lead_reminders_request(user=consultant, organisation_ids=[home.pk, stranger.pk])

    assert result.queued == []
    assert result.skipped == [(home, "no IG lead is named")]
    assert not _logs(organisation=stranger)


def test_the_ig_lead_gets_one_email_with_outcome_next_steps_and_replies_to_the_consultant(
    consultant, catalogue, ig_lead, today
):
    [home] = build_homes(1, consultant, catalogue, answered=1, ig_lead=ig_lead)
    ig_lead_reminders_request(user=consultant, organisation_ids=[home.pk])

    [email] = deliver_emails()
    [row] = Email.objects.all()
    assert email_send(row.pk) == "skipped"  # a second copy of the task sends nothing
    assert len(mail.outbox) == 1
    assert email.to == ["iglead@home.example"]
    assert email.extra_headers["Reply-To"] == consultant.email
    assert home.name in email.subject
    assert "Not yet at Approaching Standards" in email.body
    assert "What to do next:" in email.body
    assert reverse("organisations:home", args=[home.slug]) in email.body


def test_portfolio_page_sends_reminders_to_ticked_homes(
    client, consultant, catalogue, ig_lead, today, django_capture_on_commit_callbacks
):
    homes = build_homes(2, consultant, catalogue, ig_lead=ig_lead)
    client.force_login(consultant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:portfolio_remind"),
            {"org": [homes[0].pk], "next": "/portfolio/?behind=1"},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == "/portfolio/?behind=1"
    assert f"Reminder on its way to the IG lead of: {homes[0].name}." in response.text
    assert "Reminder sent today" in response.text
    assert len(_logs(action="reminder.requested")) == 1


def test_nothing_ticked_is_a_clear_message_and_next_must_stay_on_the_portfolio(
    client, consultant, catalogue, today
):
    build_homes(1, consultant, catalogue)
    client.force_login(consultant)

    response = client.post(
        reverse("organisations:portfolio_remind"), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("organisations:portfolio")
    page = client.get(response["Location"])
    assert "Tick at least one home to send a reminder." in page.text


def test_reminding_needs_a_post(client, consultant, catalogue, today):
    build_homes(1, consultant, catalogue)
    client.force_login(consultant)

    assert client.get(reverse("organisations:portfolio_remind")).status_code == 405


def test_an_editor_cannot_remind_homes_they_only_edit(client, catalogue, ig_lead, today):
    from tests.factories import MembershipFactory

    editor = UserFactory()
    home = OrganisationFactory(ig_lead=ig_lead)
    MembershipFactory(organisation=home, user=editor, role=Role.EDITOR)

    result = ig_lead_reminders_request(user=editor, organisation_ids=[home.pk])

    assert result.queued == [] and result.skipped == []
