"""Settings that keep background work and connections healthy."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dspt_portal.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


SHOW = """
    import django
    django.setup()
    from django.conf import settings as s
    print(s.DATABASES["default"]["CONN_HEALTH_CHECKS"], s.CELERY_TASK_ACKS_LATE,
          s.CELERY_TASK_REJECT_ON_WORKER_LOST, s.EMAIL_TIMEOUT)
"""


def test_persistent_connections_are_health_checked_and_tasks_survive_a_dead_worker():
    kept = _run(SHOW, DATABASE_CONN_MAX_AGE="60", EMAIL_TIMEOUT="7")
    assert kept.stdout.split() == ["True", "True", "True", "7"], kept.stderr
    closed = _run(SHOW, DATABASE_CONN_MAX_AGE="0")
    assert closed.stdout.split()[0] == "False", closed.stderr


def test_a_visibility_timeout_shorter_than_the_task_time_limit_is_refused():
    result = _run(
        SHOW,
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        CELERY_VISIBILITY_TIMEOUT="300",
        CELERY_TASK_TIME_LIMIT="360",
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT" in result.stderr


RESTART = """
    import django, psycopg
    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import connection

    def request():
        request_started.send(sender=None)
        try:
            with connection.cursor() as c:
                c.execute("SELECT 1")
        finally:
            request_finished.send(sender=None)

    request()
    pid = connection.connection.info.backend_pid
    # What a PostgreSQL restart does to every kept connection.
    with psycopg.connect(os.environ["ADMIN_DSN"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    request()  # the next request on this worker
    print("answered")
"""


@pytest.mark.services
@pytest.mark.django_db
def test_the_first_request_after_a_database_restart_is_answered():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("needs PostgreSQL (DATABASE_URL), as in CI")
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    code = "import os\n" + textwrap.dedent(RESTART)
    result = _run(code, DATABASE_URL=url, DATABASE_CONN_MAX_AGE="60", ADMIN_DSN=url)
    assert result.stdout.strip() == "answered", result.stderr[-2000:]


def test_links_in_emails_follow_the_port_make_run_serves_on(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    show = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )

    def port_seen(*args: str) -> str:
        make = ["make", "-s", "--eval=port-seen:; @echo $$PORT", "port-seen", *args]
        return subprocess.run(make, cwd=ROOT, capture_output=True, text=True, timeout=30).stdout

    # The Makefile hands PORT (its default too) to the web app and the worker.
    assert port_seen().strip() == "8000"
    assert port_seen("PORT=8123").strip() == "8123"
    with_port = _run(show, PORT="8123")
    assert with_port.stdout.strip() == "http://127.0.0.1:8123", with_port.stderr
    assert _run(show, PORT="8123", SITE_URL="https://dspt.example.org/").stdout.strip() == (
        "https://dspt.example.org"
    )
