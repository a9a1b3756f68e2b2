"""Reminder sweep behaviour with a frozen clock: each kind at its boundary days, grouping,
preferences, catch-up after a missed day, and no duplicates on re-runs."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Approval
from evidence.models import Document
from organisations.models import Role
from reminders import services
from reminders.models import EmailStatus, Kind, NotificationPreference, Reminder, ReminderEmail
from reminders.tasks import email_send
from tests.assessments.factories import answer, assessment_for, catalogue_with, simple_items
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def sweep(day: str) -> list:
    """Run the daily sweep for `day`; return the emails sent by this run."""
    before = len(mail.outbox)
    with time_machine.travel(dt.datetime.fromisoformat(day + "T07:00:00+01:00"), tick=False):
        call_command("send_reminders", date=day, stdout=open("/dev/null", "w"))
    return mail.outbox[before:]


def of_kind(emails, kind: Kind):
    return [m for m in emails if m.extra_headers and _kind_of(m) == kind]


def _kind_of(message) -> str:
    email = ReminderEmail.objects.filter(
        subject=message.subject, recipient__email=message.to[0]
    ).first()
    return email.kind if email else ""


@pytest.fixture
def home():
    ig = UserFactory(email="ig@meadow.example", full_name="Tom Okafor")
    sap = UserFactory(email="sap@meadow.example", full_name="Margaret Ellis")
    org = OrganisationFactory(
        name="Meadowbank House",
        ods_code="VN4K2",
        slug="vn4k2",
        ig_lead=ig,
        senior_accountable_person=sap,
    )
    MembershipFactory(organisation=org, user=ig, role=Role.EDITOR)
    MembershipFactory(organisation=org, user=sap, role=Role.ADMIN)
    return org


@pytest.fixture
def assessment(home):
    return assessment_for(home, catalogue_with(simple_items(6)))


# --- The deadline countdown


@pytest.mark.parametrize(
    ("day", "milestone"),
    [
        ("2026-03-31", None),
        ("2026-04-01", 90),
        ("2026-04-02", 90),
        ("2026-05-01", 60),
        ("2026-06-16", 14),
        ("2026-06-29", 1),
        ("2026-06-30", 1),
    ],
)
def test_the_countdown_starts_90_days_out_and_hits_each_milestone(home, assessment, day, milestone):
    emails = sweep(day)
    if milestone is None:
        assert emails == []
        return
    assert sorted(m.to[0] for m in emails) == ["ig@meadow.example", "sap@meadow.example"]
    days_left = (dt.date(2026, 6, 30) - dt.date.fromisoformat(day)).days
    assert (f"{days_left} day" if days_left else "today is the") in emails[0].subject
    assert "Standards Met still needs 4 items" in emails[0].body  # 2 optional of 6
    assert "1.1.1 Item number 1" in emails[0].body


def test_the_countdown_lists_what_blocks_standards_met_and_links_to_the_checklist(home, assessment):
    with scopes_disabled():
        for response in assessment.responses.all()[:3]:
            answer(response)
    (message,) = [m for m in sweep("2026-06-23") if m.to == ["ig@meadow.example"]]
    assert "7 days" in message.subject
    assert "Standards Met still needs" in message.body
    html = message.alternatives[0][0]
    assert "/o/vn4k2/assessment/" in html


def test_a_missed_milestone_is_caught_up_the_next_day_and_not_repeated(home, assessment):
    assert sweep("2026-05-02")  # worker was down on 1 May (60 days): caught up on 2 May
    assert (
        Reminder.objects.filter(kind=Kind.DEADLINE, key__startswith="deadline:2026:60:").count()
        == 2
    )
    assert sweep("2026-05-03") == []  # same milestone: nothing new
    assert len(sweep("2026-05-31")) == 2  # the 30-day milestone


def test_a_closing_organisation_gets_no_reminders(home, assessment):
    from organisations.closure import organisation_close

    organisation_close(organisation=home, by=home.senior_accountable_person)
    assert sweep("2026-05-01") == []


def test_running_the_sweep_twice_sends_nothing_twice(home, assessment):
    first = sweep("2026-05-01")
    second = sweep("2026-05-01")
    assert len(first) == 2 and second == []
    assert ReminderEmail.objects.filter(status=EmailStatus.SENT).count() == 2


def test_no_countdown_once_published_this_year(home, assessment):
    Approval.objects.create(
        organisation=home,
        assessment=assessment,
        revision=1,
        outcome_level="standards_met",
        approved_at="2026-04-10T10:00:00Z",
        published_on=dt.date(2026, 4, 12),
    )
    assert [m for m in sweep("2026-05-01") if "deadline" in m.subject] == []


def test_admins_hear_when_no_key_people_are_named(assessment, home):
    home.ig_lead = home.senior_accountable_person = None
    home.save()
    admin = MembershipFactory(organisation=home, role=Role.ADMIN).user
    emails = sweep("2026-05-01")
    assert {m.to[0] for m in emails} == {"sap@meadow.example", admin.email}


# --- Documents due for review


def _doc(org, owner, due, title="Data protection policy"):
    return Document.objects.create(
        organisation=org, title=title, owner=owner, next_review_due=dt.date.fromisoformat(due)
    )


def test_a_document_is_flagged_30_days_before_review_and_weekly_once_overdue(home):
    _doc(home, home.ig_lead, "2026-02-27")
    assert sweep("2026-01-27") == []  # 31 days before
    (due,) = sweep("2026-01-28")  # 30 days before
    assert "review" in due.subject and "Data protection policy" in due.body
    assert sweep("2026-01-29") == []  # already told
    (overdue,) = sweep("2026-02-28")
    assert "overdue since 27 February 2026" in overdue.body
    assert sweep("2026-03-01") == []  # same week
    assert len(sweep("2026-03-02")) == 1  # next week, again


def test_reminders_of_one_kind_are_grouped_into_one_email(home):
    owner = home.ig_lead
    _doc(home, owner, "2026-03-10", "Data protection policy")
    _doc(home, owner, "2026-03-20", "Business continuity plan")
    emails = sweep("2026-03-01")
    (message,) = emails
    assert message.subject.startswith("2 documents to review")
    assert "Data protection policy" in message.body and "Business continuity plan" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_one_email_per_kind_per_day_later_items_wait_until_tomorrow(home):
    owner = home.ig_lead
    _doc(home, owner, "2026-03-10", "First policy")
    assert len(sweep("2026-03-01")) == 1
    _doc(home, owner, "2026-03-12", "Second policy")
    assert sweep("2026-03-01") == []  # today's document email already went
    (next_day,) = sweep("2026-03-02")
    assert "Second policy" in next_day.body and "First policy" not in next_day.body


# --- Going out of date


def test_the_assessment_going_out_of_date_is_announced_before_and_on_the_day(home, assessment):
    Approval.objects.create(
        organisation=home,
        assessment=assessment,
        revision=1,
        outcome_level="standards_met",
        approved_at="2025-08-01T10:00:00Z",
        published_on=dt.date(2025, 8, 1),
    )
    assert of_kind(sweep("2026-07-24"), Kind.OUT_OF_DATE)  # the 30-day one, caught up
    assert of_kind(sweep("2026-07-25"), Kind.OUT_OF_DATE)  # 7 days before
    expired = [m for m in sweep("2026-08-01") if "out of date" in m.subject]
    assert len(expired) == 2 and "is out of date" in expired[0].subject


# --- Consultant digest


def test_consultants_get_one_weekly_digest_across_their_homes_worst_first(home, assessment):
    consultant = UserFactory(email="consultant@advice.example")
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)
    other = OrganisationFactory(name="Zeta Lodge")
    MembershipFactory(organisation=other, user=consultant, role=Role.CONSULTANT)
    ahead = assessment_for(other, assessment.catalogue)
    with scopes_disabled():
        for r in ahead.responses.all():
            answer(r)
    monday = [m for m in sweep("2026-01-05") if m.to == ["consultant@advice.example"]]
    (digest,) = monday
    assert "Your 2 homes this week" in digest.subject
    assert digest.body.index("Meadowbank House") < digest.body.index("Zeta Lodge")
    assert [m for m in sweep("2026-01-07") if m.to == ["consultant@advice.example"]] == []
    assert len([m for m in sweep("2026-01-12") if m.to == ["consultant@advice.example"]]) == 1


def test_the_digest_the_day_before_the_deadline_says_1_day_and_lists_each_home_on_a_line(
    home, assessment
):
    consultant = UserFactory(email="consultant@advice.example")
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)
    MembershipFactory(
        organisation=OrganisationFactory(name="Zeta Lodge"), user=consultant, role=Role.CONSULTANT
    )

    (digest,) = [m for m in sweep("2026-06-29") if m.to == ["consultant@advice.example"]]

    assert "Your 2 homes this week, 1 day to 30 June" in digest.subject
    lines = [line.strip() for line in digest.body.splitlines()]
    assert any(line.startswith("- Meadowbank House") for line in lines), digest.body
    assert any(line.startswith("- Zeta Lodge") for line in lines), digest.body


def test_the_countdown_lists_what_blocks_standards_met_one_item_a_line(home, assessment):
    (message,) = [m for m in sweep("2026-05-01") if m.to == ["ig@meadow.example"]]

    assert "still needs" in message.body
    assert ":-" not in message.body and "&#x27;" not in message.body
    blockers = [line for line in message.body.splitlines() if line.strip().startswith("- ")]
    assert len(blockers) >= 2, message.body


# --- Preferences and unsubscribe


def test_a_person_who_turned_a_kind_off_does_not_get_it(home, assessment, client):
    client.force_login(home.ig_lead)
    client.post(reverse("reminders:preferences"), {"kinds": [Kind.DOCUMENT_REVIEW]})
    assert (
        NotificationPreference.objects.get(user=home.ig_lead, kind=Kind.DEADLINE).enabled is False
    )
    emails = sweep("2026-05-01")
    assert [m.to[0] for m in emails] == ["sap@meadow.example"]


def test_one_click_unsubscribe_needs_no_login(home, assessment, client):
    (message,) = [m for m in sweep("2026-05-01") if m.to == ["ig@meadow.example"]]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")
    page = client.get(url)
    assert "Stop “30 June deadline countdown” emails?" in page.text
    client.post(url)
    assert (
        NotificationPreference.objects.get(user=home.ig_lead, kind=Kind.DEADLINE).enabled is False
    )
    assert [m.to[0] for m in sweep("2026-05-31")] == ["sap@meadow.example"]


def test_a_tampered_unsubscribe_link_changes_nothing(client, home):
    token = services.unsubscribe_token(home.ig_lead.pk, Kind.DEADLINE)
    response = client.post(reverse("reminders:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


# --- Failures


def test_an_smtp_failure_releases_the_email_for_a_retry_then_it_is_marked_failed(home, monkeypatch):
    from reminders.tasks import reminder_email_send_task

    _doc(home, home.ig_lead, "2026-03-10")
    with time_machine.travel("2026-03-01T07:00:00+00:00", tick=False), scopes_disabled():
        dues = services.reminders_collect(day=dt.date(2026, 3, 1), organisation_ids=[home.pk])
        services.reminders_record(dues=dues)
        (email_id,) = services.reminders_dispatch(day=dt.date(2026, 3, 1))

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    from celery.exceptions import Retry

    with pytest.raises(Retry):
        reminder_email_send_task.apply(args=[email_id], throw=True, retries=0)
    email = ReminderEmail.objects.get(pk=email_id)
    assert (
        email.status == EmailStatus.PENDING and "Connection unexpectedly closed" in email.last_error
    )
    result = reminder_email_send_task.apply(args=[email_id], retries=5)
    assert result.get() == "failed"
    assert ReminderEmail.objects.get(pk=email_id).status == EmailStatus.FAILED


def test_a_claimed_email_is_not_sent_twice(home):
    _doc(home, home.ig_lead, "2026-03-10")
    with scopes_disabled():  # as the sweep's tasks do
        dues = services.reminders_collect(day=dt.date(2026, 3, 1), organisation_ids=[home.pk])
        services.reminders_record(dues=dues)
        (email_id,) = services.reminders_dispatch(day=dt.date(2026, 3, 1))
    assert email_send(email_id) == "sent"
    assert email_send(email_id) == "skipped"
    assert len(mail.outbox) == 1


def test_send_reminders_dry_run_changes_nothing(home, assessment, capsys):
    call_command("send_reminders", date="2026-05-01", dry_run=True)
    out = capsys.readouterr().out
    assert "would send [deadline]" in out and "2 reminder(s) would be sent" in out
    assert not Reminder.objects.exists() and mail.outbox == []


# --- Improvement actions


def test_an_action_is_flagged_7_days_before_its_target_and_weekly_once_overdue(home, assessment):
    from assessments.models import ImprovementAction

    ImprovementAction.objects.create(
        organisation=home,
        assessment=assessment,
        title="Sign the IT administrator agreement",
        owner=home.ig_lead,
        target_date=dt.date(2026, 2, 20),
    )

    def action_emails(day):
        return [m for m in sweep(day) if "improvement action" in m.subject]

    assert action_emails("2026-02-12") == []  # 8 days before
    (due,) = action_emails("2026-02-13")  # 7 days before
    assert "Due 20 February 2026: Sign the IT administrator agreement" in due.body
    assert "/o/vn4k2/assessment/plan/" in due.body
    assert action_emails("2026-02-14") == []
    (overdue,) = action_emails("2026-02-21")
    assert "Overdue since 20 February 2026" in overdue.body
    assert action_emails("2026-02-22") == []  # same week (Sunday)
    assert len(action_emails("2026-02-23")) == 1  # the next week


def test_a_finished_action_is_not_chased(home, assessment):
    from assessments.models import ActionStatus, ImprovementAction

    ImprovementAction.objects.create(
        organisation=home,
        assessment=assessment,
        title="Done already",
        owner=home.ig_lead,
        target_date=dt.date(2026, 2, 20),
        status=ActionStatus.DONE,
    )
    assert [m for m in sweep("2026-02-21") if "improvement action" in m.subject] == []


def test_braces_in_a_title_do_not_break_the_sweep(home):
    _doc(home, home.ig_lead, "2026-03-10", title="Policy {draft} v2")
    (message,) = sweep("2026-03-01")
    assert "Policy {draft} v2" in message.body


# --- Subject access requests


def test_a_subject_access_request_is_flagged_a_week_before_it_is_due_and_weekly_after(home):
    from tests.registers.factories import SubjectAccessRequestFactory

    SubjectAccessRequestFactory(
        organisation=home, requester="Mrs Patel's daughter", received_on=dt.date(2026, 1, 5)
    )  # due 5 February 2026

    def sar_emails(day):
        return [m for m in sweep(day) if "subject access request" in m.subject]

    assert sar_emails("2026-01-28") == []  # 8 days before
    (due,) = sar_emails("2026-01-29")  # 7 days before
    assert due.to == ["ig@meadow.example"]
    assert "Answer by 5 February 2026: request from Mrs Patel's daughter" in due.body
    assert "/o/vn4k2/registers/subject-access/" in due.body
    assert sar_emails("2026-01-30") == []
    (overdue,) = sar_emails("2026-02-06")
    assert "Overdue since 5 February 2026" in overdue.body


def test_an_answered_subject_access_request_is_not_chased(home):
    from tests.registers.factories import SubjectAccessRequestFactory

    SubjectAccessRequestFactory(
        organisation=home,
        received_on=dt.date(2026, 1, 5),
        identity_checked_on=dt.date(2026, 1, 6),
        completed_on=dt.date(2026, 1, 20),
    )
    assert [m for m in sweep("2026-02-06") if "subject access" in m.subject] == []
