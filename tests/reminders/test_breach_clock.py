"""The breach 72-hour clock emails, swept every hour with a frozen clock: when a breach is
logged, at 24 and 6 hours left, once when the 72 hours are up; each at most once per
breach and person, however often (or at once) the sweep runs; nothing once a reporting
decision is recorded or the breach is removed; one organisation's breaches never in
another's emails."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django_celery_beat.models import PeriodicTask
from django_scopes import scopes_disabled

from organisations.models import Role
from registers.models import Reporting
from reminders import services
from reminders.collect import breach_clocks, breach_point
from reminders.models import Kind, NotificationPreference, Reminder, ReminderEmail
from reminders.tasks import breach_clock_sweep, breach_clock_task, email_send
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.registers.factories import BreachFactory
from tests.services import need

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Found at 10:30 UK summer time (09:30 UTC) on Monday 1 June 2026: the 72 hours run out at
# 10:30 on Thursday 4 June 2026, UK time.
FOUND = dt.datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
REPORT_BY = FOUND + dt.timedelta(hours=72)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def run(at: dt.datetime) -> list:
    """One hourly sweep at `at`, its emails sent as the worker would; the emails sent."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        for email_id in breach_clock_sweep():
            email_send(email_id)
    return mail.outbox[before:]


def bodies(emails) -> list[str]:
    return [m.body for m in emails]


@pytest.fixture
def home():
    ig = UserFactory(email="ig@meadow.example", full_name="Tom Okafor")
    sap = UserFactory(email="sap@meadow.example", full_name="Margaret Ellis")
    admin = UserFactory(email="admin@meadow.example", full_name="Priya Shah")
    editor = UserFactory(email="editor@meadow.example")
    org = OrganisationFactory(
        name="Meadowbank House",
        ods_code="VN4K2",
        slug="vn4k2",
        ig_lead=ig,
        senior_accountable_person=sap,
    )
    MembershipFactory(organisation=org, user=ig, role=Role.EDITOR)
    MembershipFactory(organisation=org, user=sap, role=Role.EDITOR)
    MembershipFactory(organisation=org, user=admin, role=Role.ADMIN)
    MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    return org


def log_breach(org, *, found=FOUND, logged=None, **fields):
    with time_machine.travel(logged or found + dt.timedelta(minutes=10), tick=False):
        title = fields.pop("title", "Care plan emailed")
        return BreachFactory(organisation=org, title=title, discovered_at=found, **fields)


@pytest.mark.parametrize(
    ("left", "point"),
    [
        (dt.timedelta(hours=72), "logged"),
        (dt.timedelta(hours=24) + MINUTE, "logged"),
        (dt.timedelta(hours=24), "24h"),
        (dt.timedelta(hours=6) + MINUTE, "24h"),
        (dt.timedelta(hours=6), "6h"),
        (MINUTE, "6h"),  # 71:59 after discovery: still running
        (dt.timedelta(0), "overdue"),  # 72:00: overdue, as the register shows it
        (-dt.timedelta(days=3), "overdue"),
    ],
)
def test_the_clock_points(left, point):
    assert breach_point(left) == point


def test_a_logged_breach_is_emailed_to_the_ig_lead_the_sap_and_the_admins(home):
    breach = log_breach(home)
    emails = run(FOUND + HOUR)
    assert sorted(m.to[0] for m in emails) == [
        "admin@meadow.example",
        "ig@meadow.example",
        "sap@meadow.example",
    ]  # not the other editor
    message = emails[0]
    assert "Care plan emailed" in message.subject and "logged" in message.subject
    assert "71 hours left to decide on reporting it" in message.body
    assert "by 10:30 on Thursday 4 June 2026" in message.body
    assert "Found at 10:30 on Monday 1 June 2026." in message.body
    assert "Times are UK time" in message.body
    assert "report it to the ICO through the Data Security and Protection Toolkit" in message.body
    assert "record on the breach why it does not need reporting" in message.body
    assert f"{settings.SITE_URL}/o/vn4k2/registers/breaches/{breach.pk}/" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    # The next hours until the 24-hour point: nothing again.
    assert run(FOUND + HOUR) == []
    assert run(FOUND + 2 * HOUR) == []
    assert run(REPORT_BY - dt.timedelta(hours=24) - MINUTE) == []


def test_each_point_once_at_its_boundary_then_overdue_once(home):
    log_breach(home)
    run(FOUND + HOUR)
    (at_24,) = [m for m in run(REPORT_BY - dt.timedelta(hours=24)) if m.to == ["ig@meadow.example"]]
    assert "24 hours left to decide" in at_24.body and "logged" not in at_24.subject
    assert run(REPORT_BY - dt.timedelta(hours=23)) == []
    assert run(REPORT_BY - dt.timedelta(hours=6) - MINUTE) == []
    at_6 = run(REPORT_BY - dt.timedelta(hours=6))  # 04:30 on 4 June, UK time
    assert len(at_6) == 3 and "6 hours left to decide" in at_6[0].body
    assert run(REPORT_BY - MINUTE) == []  # 71:59: not overdue yet
    overdue = run(REPORT_BY)  # 72:00, the same UK day as the 6-hour email: not held back
    assert len(overdue) == 3
    assert "the 72 hours ran out at 10:30 on Thursday 4 June 2026" in overdue[0].subject
    assert "as soon as you can, and record on the breach why it was late" in overdue[0].body
    assert run(REPORT_BY + HOUR) == [] and run(REPORT_BY + dt.timedelta(days=2)) == []
    with scopes_disabled():
        keys = set(Reminder.objects.filter(kind=Kind.BREACH_CLOCK).values_list("key", flat=True))
        assert {k.rsplit(":", 1)[1] for k in keys} == {"logged", "24h", "6h", "overdue"}
        assert Reminder.objects.filter(kind=Kind.BREACH_CLOCK).count() == 4 * 3


def test_a_missed_hour_sends_only_the_point_reached_then(home):
    log_breach(home)
    run(FOUND + HOUR)
    (message,) = [m for m in run(REPORT_BY - dt.timedelta(hours=5)) if m.to[0].startswith("ig")]
    assert "5 hours left" in message.body  # the 6-hour point; the 24-hour one is skipped
    assert run(REPORT_BY - dt.timedelta(hours=4)) == []


def test_a_breach_logged_with_less_than_a_day_left_says_it_was_logged(home):
    log_breach(home, logged=REPORT_BY - dt.timedelta(hours=20))
    (message,) = [m for m in run(REPORT_BY - dt.timedelta(hours=20)) if m.to[0].startswith("ig")]
    assert "logged: 20 hours left" in message.subject
    log_breach(home, title="Late one", found=FOUND, logged=REPORT_BY + dt.timedelta(hours=2))
    (late,) = [
        m for m in run(REPORT_BY + dt.timedelta(hours=2, minutes=30)) if m.to[0].startswith("ig")
    ]
    assert "Late one” logged: the 72 hours ran out" in late.body


def test_less_than_an_hour_left_is_said_plainly(home):
    log_breach(home, logged=REPORT_BY - dt.timedelta(minutes=40))
    (message,) = [m for m in run(REPORT_BY - dt.timedelta(minutes=30)) if m.to[0].startswith("ig")]
    assert "less than an hour left" in message.body


def test_a_decided_breach_gets_nothing(home):
    log_breach(home, reporting=Reporting.NOT_REPORTABLE, reporting_notes="The tool said no")
    log_breach(
        home,
        title="Reported one",
        reporting=Reporting.TOOLKIT,
        reported_at=FOUND + HOUR,
    )
    for at in (FOUND + HOUR, REPORT_BY - dt.timedelta(hours=6), REPORT_BY):
        assert run(at) == []
    with scopes_disabled():
        assert not Reminder.objects.exists()


def test_the_emails_stop_once_a_decision_is_recorded(home):
    breach = log_breach(home)
    assert len(run(FOUND + HOUR)) == 3
    with scopes_disabled():
        breach.reporting = Reporting.TOOLKIT
        breach.reported_at = FOUND + 2 * HOUR
        breach.save()
    for at in (REPORT_BY - dt.timedelta(hours=24), REPORT_BY - dt.timedelta(hours=6), REPORT_BY):
        assert run(at) == []


def test_a_decision_or_removal_after_queuing_but_before_sending_sends_nothing(home):
    decided, removed = log_breach(home, title="Decided"), log_breach(home, title="Removed")
    log_breach(home, title="Still open")
    with time_machine.travel(FOUND + HOUR, tick=False):
        email_ids = breach_clock_sweep()
    with scopes_disabled():
        decided.reporting = Reporting.NOT_REPORTABLE
        decided.reporting_notes = "Only our own staff saw it"
        decided.save()
        removed.delete()
    with time_machine.travel(FOUND + HOUR + MINUTE, tick=False):
        for email_id in email_ids:
            email_send(email_id)
    assert len(mail.outbox) == 3
    body = mail.outbox[0].body
    assert "Still open" in body and "Decided" not in body and "Removed" not in body
    # And when every breach in an email stopped: no email at all.
    with scopes_disabled():
        from registers.models import Breach

        Breach.objects.filter(title="Still open").delete()
    assert run(REPORT_BY - dt.timedelta(hours=24)) == []


def test_two_sweeps_at_once_or_twice_in_an_hour_send_each_email_once(home):
    log_breach(home)
    with time_machine.travel(FOUND + HOUR, tick=False), scopes_disabled():
        # Two workers collect at the same moment, then both record and dispatch.
        first, second = breach_clocks(FOUND + HOUR), breach_clocks(FOUND + HOUR)
        services.reminders_record(dues=first)
        services.reminders_record(dues=second)
        ids_one = breach_clock_sweep()
        ids_two = breach_clock_sweep()
        assert ids_one == ids_two and len(ids_one) == 3
        results = [email_send(i) for i in ids_one + ids_two]
    assert results.count("sent") == 3 and results.count("skipped") == 3
    assert len(mail.outbox) == 3
    assert run(FOUND + HOUR + dt.timedelta(minutes=20)) == []
    with scopes_disabled():
        assert ReminderEmail.objects.filter(kind=Kind.BREACH_CLOCK).count() == 3


def test_other_organisations_breaches_are_never_mixed_in(home):
    other_ig = UserFactory(email="ig@elsewhere.example")
    other = OrganisationFactory(name="Elsewhere Care", slug="vz9z9", ig_lead=other_ig)
    MembershipFactory(organisation=other, user=other_ig, role=Role.EDITOR)
    log_breach(home, title="Meadowbank fax")
    log_breach(other, title="Elsewhere laptop")
    emails = {m.to[0]: m.body for m in run(FOUND + HOUR)}
    assert "Elsewhere laptop" in emails["ig@elsewhere.example"]
    assert "Meadowbank fax" not in emails["ig@elsewhere.example"]
    assert "Meadowbank fax" in emails["ig@meadow.example"]
    assert "Elsewhere laptop" not in emails["ig@meadow.example"]
    assert "/o/vz9z9/" not in emails["ig@meadow.example"]


def test_two_breaches_of_one_home_share_one_email(home):
    log_breach(home, title="First")
    log_breach(home, title="Second", found=FOUND + dt.timedelta(minutes=20))
    (message,) = [m for m in run(FOUND + HOUR) if m.to == ["ig@meadow.example"]]
    assert "First" in message.body and "Second" in message.body
    assert "and 1 more" in message.subject


def test_someone_who_turned_them_off_is_not_emailed(home):
    with scopes_disabled():
        NotificationPreference.objects.create(
            user=home.ig_lead, kind=Kind.BREACH_CLOCK, enabled=False
        )
    log_breach(home)
    assert "ig@meadow.example" not in {m.to[0] for m in run(FOUND + HOUR)}


def test_an_old_open_breach_is_not_chased_by_email(home):
    # Found 13 days and an hour ago (72 hours and 10 days before this sweep), e.g. imported.
    log_breach(home, found=FOUND - dt.timedelta(days=13), logged=FOUND)
    assert run(FOUND + HOUR) == []
    log_breach(home, title="Recent", found=FOUND - dt.timedelta(days=12), logged=FOUND)
    assert "Recent” logged: the 72 hours ran out" in run(FOUND + HOUR)[0].body


def test_the_daily_sweep_leaves_breach_reminders_to_the_hourly_one(home):
    from django.core.management import call_command

    log_breach(home)
    with time_machine.travel(FOUND + HOUR, tick=False):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m for m in mail.outbox if "Care plan emailed" in m.subject] == []


def _homes_with_breaches(n: int, start: int) -> None:
    for i in range(start, start + n):
        ig = UserFactory(email=f"ig{i}@homes.example")
        org = OrganisationFactory(name=f"Home {i}", slug=f"h{i:04d}", ig_lead=ig)
        MembershipFactory(organisation=org, user=ig, role=Role.ADMIN)
        log_breach(org, title=f"Breach {i}")


def test_the_hourly_sweep_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    _homes_with_breaches(2, 0)
    with time_machine.travel(FOUND + HOUR, tick=False), django_assert_max_num_queries(10):
        assert len(breach_clock_sweep()) == 2
    _homes_with_breaches(25, 2)
    with time_machine.travel(FOUND + 2 * HOUR, tick=False), django_assert_max_num_queries(10):
        assert len(breach_clock_sweep()) == 25  # the new ones; the first two wait for 24h


def test_the_task_queues_each_email_after_recording_it(home):
    log_breach(home)
    queued = []
    with (
        time_machine.travel(FOUND + HOUR, tick=False),
        mock.patch(
            "reminders.tasks.reminder_email_send_task.delay_on_commit",
            side_effect=lambda email_id: queued.append(
                (email_id, ReminderEmail.objects.get(pk=email_id).reminders.count())
            ),
        ),
    ):
        assert breach_clock_task() == 3
    assert len(queued) == 3 and all(count == 1 for _, count in queued)


def test_the_hourly_schedule_is_in_the_beat_database():
    task = PeriodicTask.objects.get(task="reminders.tasks.breach_clock_task")
    assert task.enabled and task.crontab.hour == "*" and task.crontab.minute == "0"
    assert str(task.crontab.timezone) == "Europe/London"


def test_times_are_uk_times_across_the_clocks_going_back(home):
    # Found at 11:00 BST on Friday 23 October 2026; the clocks go back on Sunday 25 October,
    # so the 72 hours run out at 10:00 GMT on Monday 26 October.
    found = dt.datetime(2026, 10, 23, 10, 0, tzinfo=UTC)
    log_breach(home, found=found)
    (message,) = [m for m in run(found + HOUR) if m.to[0].startswith("ig")]
    assert "Found at 11:00 on Friday 23 October 2026." in message.body
    assert "by 10:00 on Monday 26 October 2026" in message.subject


def test_the_breach_sweep_can_be_run_by_hand(home):
    from io import StringIO

    from django.core.management import call_command

    log_breach(home)
    out = StringIO()
    with time_machine.travel(FOUND + HOUR, tick=False):
        call_command("send_reminders", breach_clock=True, dry_run=True, stdout=out)
        assert "3 breach clock reminder(s) would be sent now." in out.getvalue()
        assert mail.outbox == []
        call_command("send_reminders", breach_clock=True, stdout=out)
        assert "3 breach clock email(s) sent." in out.getvalue()
        call_command("send_reminders", breach_clock=True, stdout=out)
    assert len(mail.outbox) == 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_hourly_tasks_at_the_same_moment_send_each_email_once(home):
    import threading

    from django.db import connection, connections

    need(connection.vendor == "postgresql", "needs two connections that run at once (PostgreSQL)")
    log_breach(home)
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            start.wait()
            with scopes_disabled():
                results.extend(email_send(email_id) for email_id in breach_clock_sweep())
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connections.close_all()

    with time_machine.travel(FOUND + HOUR, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert results.count("sent") == 3
    assert len(mail.outbox) == 3
    with scopes_disabled():
        assert ReminderEmail.objects.filter(kind=Kind.BREACH_CLOCK).count() == 3
        assert Reminder.objects.filter(kind=Kind.BREACH_CLOCK, sent_at__isnull=False).count() == 3
