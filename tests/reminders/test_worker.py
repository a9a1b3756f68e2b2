"""A real Celery worker against a private Redis runs the sweep and delivers each reminder
exactly once, even when it is killed in the middle of the sweep and started again."""

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from evidence.models import Document
from organisations.models import Role
from reminders.models import EmailStatus, ReminderEmail
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.services import PrivateRedis, celery_broker, need

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ROOT = Path(__file__).resolve().parents[2]
HOMES = 12
DAY = "2026-03-01"


@pytest.fixture
def real_services():
    """A private redis-server (never the shared one) for the worker and for this process."""
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL), as in CI")
    server = PrivateRedis().start()
    with celery_broker(server.url):
        yield server.url
    server.stop()


@pytest.fixture
def homes():
    owners = []
    for i in range(HOMES):
        owner = UserFactory(email=f"owner{i}@homes.example")
        org = OrganisationFactory(name=f"Home {i}")
        MembershipFactory(organisation=org, user=owner, role=Role.EDITOR)
        Document.objects.create(
            organisation=org, title=f"Policy {i}", owner=owner, next_review_due=dt.date(2026, 3, 20)
        )
        owners.append(owner.email)
    return owners


def _worker(outbox: Path, broker: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dspt_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "TEST_EMAIL_BACKEND": "tests.reminders.slow_mail.SlowFileBackend",
        "TEST_EMAIL_FILE_PATH": str(outbox),
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_TASK_SOFT_TIME_LIMIT": "2",  # the visibility timeout must exceed the limits
        "CELERY_TASK_TIME_LIMIT": "3",
        "REMINDER_STALE_CLAIM_SECONDS": "2",
        "REMINDER_BATCH_SIZE": "3",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dspt_portal",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def delivered(outbox: Path) -> list[str]:
    """Recipients of every message the worker wrote."""
    found = []
    for path in outbox.glob("*.log"):
        found += re.findall(r"^To: (.+)$", path.read_text(), flags=re.M)
    return found


def wait_for(condition, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _all_sent() -> bool:
    return ReminderEmail.objects.filter(status=EmailStatus.SENT).count() == HOMES


def test_the_worker_delivers_each_reminder_exactly_once(real_services, homes, tmp_path):
    from reminders.tasks import reminders_sweep_task

    worker = _worker(tmp_path, real_services)
    try:
        reminders_sweep_task.delay(DAY)
        assert wait_for(lambda: len(delivered(tmp_path)) == HOMES), delivered(tmp_path)
        reminders_sweep_task.delay(DAY)  # a second beat, or a re-run: nothing more
        time.sleep(3)
    finally:
        _stop(worker)
    assert sorted(delivered(tmp_path)) == sorted(homes)
    assert _all_sent()


def test_killing_the_worker_mid_sweep_still_delivers_each_reminder_once(
    real_services, homes, tmp_path
):
    from reminders.tasks import reminders_sweep_task

    worker = _worker(tmp_path, real_services)
    try:
        reminders_sweep_task.delay(DAY)
        assert wait_for(lambda: len(delivered(tmp_path)) >= 3)
        time.sleep(0.15)  # in the middle of the next slow "SMTP conversation"
        worker.kill()  # SIGKILL: no chance to clean up
        worker.wait()
        assert len(delivered(tmp_path)) < HOMES, "the sweep finished before the kill"
        worker = _worker(tmp_path, real_services)
        time.sleep(3)  # older than REMINDER_STALE_CLAIM_SECONDS
        reminders_sweep_task.delay(DAY)  # the next scheduled run
        assert wait_for(_all_sent, timeout=90), (
            f"{len(delivered(tmp_path))} delivered; "
            f"{list(ReminderEmail.objects.values_list('status', flat=True))}"
        )
    finally:
        _stop(worker)
    assert sorted(delivered(tmp_path)) == sorted(homes)
