"""The sweep by hand goes batch by batch like the daily task: what one batch found is sent
before the next batch is collected, and no batch holds more than the batch size."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled

from evidence.models import Document
from organisations.models import Role
from reminders import services
from reminders.models import Reminder
from reminders.tasks import reminders_sweep_task
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


@pytest.fixture
def homes():
    for i in range(5):
        owner = UserFactory(email=f"owner{i}@homes.example")
        org = OrganisationFactory(name=f"Home {i}")
        MembershipFactory(organisation=org, user=owner, role=Role.EDITOR)
        Document.objects.create(
            organisation=org, title=f"Policy {i}", owner=owner, next_review_due=dt.date(2026, 3, 20)
        )


def test_send_reminders_sends_each_batch_before_collecting_the_next(homes, settings, monkeypatch):
    settings.REMINDER_BATCH_SIZE = 2
    real, seen = services.reminders_collect, []

    def collect(*, day, organisation_ids):
        assert len(organisation_ids) <= 2
        seen.append(len(mail.outbox))
        if len(seen) == 3:
            raise RuntimeError("the worker stopped here")
        return real(day=day, organisation_ids=organisation_ids)

    monkeypatch.setattr(services, "reminders_collect", collect)
    with pytest.raises(RuntimeError):
        call_command("send_reminders", date=DAY.isoformat(), stdout=open("/dev/null", "w"))
    # The first two batches (four homes) were emailed before the third was looked at.
    assert seen == [0, 2, 4]
    assert sorted(m.to[0] for m in mail.outbox) == [f"owner{i}@homes.example" for i in range(4)]
    call_command("send_reminders", date=DAY.isoformat(), stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 5 and Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_the_daily_task_queues_one_task_per_batch(homes, settings, monkeypatch):
    settings.REMINDER_BATCH_SIZE = 2
    queued = []
    monkeypatch.setattr(
        "reminders.tasks.reminders_batch_task.delay", lambda day, ids: queued.append(ids)
    )
    monkeypatch.setattr("reminders.tasks.reminders_digest_task.delay", lambda day, ids: None)
    assert reminders_sweep_task(DAY.isoformat()) == 3
    assert [len(ids) for ids in queued] == [2, 2, 1]
    assert sorted(sum(queued, [])) == sorted(set(sum(queued, [])))


def test_dispatch_attaches_in_chunks_of_recipients(homes, monkeypatch):
    monkeypatch.setattr(services, "DISPATCH_CHUNK", 2)
    with scopes_disabled():  # as the send_reminders command and the sweep tasks run them
        with_dues = services.reminders_collect(day=DAY, organisation_ids=list(_org_ids()))
        services.reminders_record(dues=with_dues)
        email_ids = services.reminders_dispatch(day=DAY)
        assert len(email_ids) == 5
        assert Reminder.objects.filter(email__isnull=True).count() == 0
        # A second dispatch the same day finds the same emails, attaches nothing new.
        assert services.reminders_dispatch(day=DAY) == email_ids


def _org_ids():
    from organisations.models import Organisation

    return Organisation.objects.values_list("pk", flat=True)
