"""Broken on purpose, against real services started by the test: a private Redis that is
down or restarted, a real Celery worker whose pool process is killed mid-render, and a mail
server that never answers. Nothing is lost, nothing is stuck, no page errors."""

import base64
import datetime as dt
import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments import services as assessment_services
from assessments.models import Approval
from organisations.models import Role
from outbox.models import Email, EmailStatus
from outbox.tasks import outbox_email_send_task, outbox_sweep_task
from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_request
from reports.tasks import reports_rescue_task
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.services import PrivateRedis, SilentSMTP, celery_broker, need

# These run only against real services (CI); their bodies still read tenant rows with
# scopes off until they are moved to explicit scopes_disabled() blocks.
pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]
DOCX = ReportKind.ASSESSMENT_DOCX


def _request(*, assessment, **kwargs):
    """Ask for a report inside the home's scope, as the reports page does."""
    with scope(organisation=assessment.organisation):
        return report_request(assessment=assessment, **kwargs)


@pytest.fixture
def redis_server():
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
def submitted(organisation, member):
    """An assessment waiting for its senior accountable person's approval."""
    editor, sap = member(Role.EDITOR), member(Role.ADMIN)
    organisation.senior_accountable_person = sap
    organisation.save()
    assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    answer(assessment.responses.get())
    assessment_services.assessment_submit(assessment=assessment, by=editor)
    return assessment, editor, sap


@scopes_disabled()
def _ids(model) -> list[int]:
    return list(model.objects.values_list("pk", flat=True))


def _run_queued(server: PrivateRedis) -> None:
    """Do what a worker would with every message in the queue (task name + args)."""
    import redis

    from dspt_portal.celery import app

    client = redis.Redis(port=server.port)
    while raw := client.lpop("celery"):
        message = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        app.tasks[message["headers"]["task"]](*args, **kwargs)


@pytest.mark.django_db
def test_with_redis_down_approving_and_asking_for_a_report_answer_normally_and_wait(
    redis_server, submitted, client, django_capture_on_commit_callbacks
):
    assessment, editor, sap = submitted
    slug = assessment.organisation.slug
    Email.objects.all().delete()
    client.force_login(sap)
    with celery_broker(redis_server.url):
        redis_server.stop()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            approved = client.post(
                reverse("assessments:approve", args=[slug]),
                {"declared": "on", "name": "Margaret Ellis", "role": "Registered Manager"},
            )
            asked = client.post(
                reverse("reports:request", args=[slug]), {"kind": "assessment_docx"}
            )
        took = time.monotonic() - started
        assert approved.status_code == 302 and asked.status_code == 302
        assert took < 15, f"the pages waited {took:.1f}s for the broker"
        assert "Approved" in client.get(approved.url).text
        with scopes_disabled():
            assert Approval.objects.filter(assessment=assessment).exists()
            assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.QUEUED}
        assert list(Email.objects.values_list("to", "status")) == [
            ([editor.email], EmailStatus.PENDING)
        ]

        redis_server.start()  # back, and empty
        assert redis_server.queued() == []
        with time_machine.travel(dt.timedelta(minutes=3)):
            assert reports_rescue_task() == 2
            assert outbox_sweep_task() == 1
        renders = {("reports.tasks.report_render_task", f"({pk},)") for pk in _ids(Report)}
        emails = {("outbox.tasks.outbox_email_send_task", f"({pk},)") for pk in _ids(Email)}
        assert {(h["task"], h["argsrepr"]) for h in redis_server.queued()} == renders | emails
        _run_queued(redis_server)
    with scopes_disabled():
        assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.READY}
    assert Email.objects.get(name="assessment_approved").status == EmailStatus.SENT


@pytest.mark.django_db
def test_a_redis_restart_that_loses_the_queue_loses_no_report(
    redis_server, submitted, django_capture_on_commit_callbacks
):
    assessment, editor, _ = submitted
    with celery_broker(redis_server.url):
        with django_capture_on_commit_callbacks(execute=True):
            report = _request(assessment=assessment, kind=ReportKind.ASSESSMENT_DOCX, by=editor)
        assert [h["argsrepr"] for h in redis_server.queued()] == [f"({report.pk},)"]
        redis_server.stop()
        redis_server.start()
        assert redis_server.queued() == []  # the queue is gone; the report row is not
        with time_machine.travel(dt.timedelta(minutes=3)):
            assert reports_rescue_task() == 1
        assert [h["argsrepr"] for h in redis_server.queued()] == [f"({report.pk},)"]
        _run_queued(redis_server)
    with scopes_disabled():
        assert Report.objects.get().status == ReportStatus.READY


def _worker(broker: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dspt_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "SLOW_RENDER_SECONDS": "4",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.outbox.slow_worker", "-A", "dspt_portal", "worker"]
        + ["--pool=prefork", "--concurrency=1", "--loglevel=warning"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _wait_for(condition, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


@scopes_disabled()
def _status(pk: int) -> str:
    return Report.objects.filter(pk=pk).values_list("status", flat=True).get()


@pytest.mark.django_db(transaction=True)
def test_a_render_whose_pool_process_is_killed_is_handed_back_and_finished(redis_server, submitted):
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL), as in CI")
    assessment, editor, _ = submitted
    worker = _worker(redis_server.url)
    try:
        with celery_broker(redis_server.url):
            report = _request(assessment=assessment, kind=ReportKind.ASSESSMENT_DOCX, by=editor)
        assert _wait_for(lambda: _status(report.pk) == ReportStatus.RUNNING), _status(report.pk)
        (child,) = _pool_children(worker.pid)
        os.kill(child, signal.SIGKILL)  # mid-render: out of memory, or an operator's kill -9
        assert _wait_for(lambda: _status(report.pk) == ReportStatus.READY, timeout=90), (
            f"still {_status(report.pk)} after its pool process was killed"
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    report.refresh_from_db()
    assert report.attempts == 2 and report.size and len(report.sha256) == 64


@pytest.mark.django_db
def test_a_silent_mail_server_holds_up_no_page_and_the_email_waits_for_its_retry(
    settings, client_as, organisation, django_capture_on_commit_callbacks
):
    smtp = SilentSMTP()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp.port, 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        client = client_as(Role.ADMIN)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisations:members", args=[organisation.slug]),
                {"email": "new@example.org", "role": Role.EDITOR},
            )
        assert response.status_code == 302 and time.monotonic() - started < 5
        assert smtp.connections == 0  # the request never talked to the mail server
        email = Email.objects.get()
        started = time.monotonic()
        with pytest.raises((TimeoutError, OSError, smtplib.SMTPException)):
            outbox_email_send_task(email.pk)  # as the worker runs it; a retry is scheduled
        assert time.monotonic() - started < 10 and smtp.connections == 1
    finally:
        smtp.close()
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING and "timed out" in email.last_error
    assert email.queued_at > email.created_at  # not queued again before the retry is due
