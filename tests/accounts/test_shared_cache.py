"""Sign-in limits live in a cache every process shares: a two-step code used on one worker is
refused on the next, and production refuses to start without the shared Redis cache."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "JBSWY3DPEHPK3PXP"

# Runs in a fresh Python process: checks a code the way the sign-in page does, at the moment
# given (both processes see the same 30-second window however slowly they start).
CHECK_CODE = """
import sys, django, time_machine
time_machine.travel(float(sys.argv[4]), tick=False).start()
django.setup()
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import encrypt
device = Authenticator(user_id=int(sys.argv[1]), type="totp", data={"secret": encrypt(sys.argv[2])})
print("accepted" if TOTP(device).validate_code(sys.argv[3]) else "refused")
"""


def _shared_cache_url(tmp_path: Path) -> str:
    """The real Redis where CI has one, else a cache in files both processes can read."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://"):
        return broker.rsplit("/", 1)[0] + "/1"
    return f"filecache://{tmp_path}/cache"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_code_used_on_one_worker_is_refused_on_another(tmp_path):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    now = time.time()
    code = format_hotp_value(hotp_value(SECRET, int(now) // 30))
    user_id = str(10**9 + secrets.randbelow(10**9))  # a fresh key even in a shared Redis
    env = {"DJANGO_SETTINGS_MODULE": "dspt_portal.settings.test"}
    env["CACHE_URL"] = _shared_cache_url(tmp_path)
    first = _run(CHECK_CODE, user_id, SECRET, code, str(now), **env)
    second = _run(CHECK_CODE, user_id, SECRET, code, str(now + 1), **env)
    assert first.stdout.strip() == "accepted", first.stderr
    assert second.stdout.strip() == "refused", second.stderr


SHOW_CACHE = "import django; django.setup(); from django.conf import settings; " + (
    "print(settings.CACHES['default']['BACKEND'])"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "dspt_portal.settings.production",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "dspt-portal.example",
}


def test_production_uses_the_shared_redis_cache():
    shown = _run(SHOW_CACHE, **PRODUCTION, CACHE_URL="redis://127.0.0.1:6379/1")
    assert shown.stdout.strip() == "django.core.cache.backends.redis.RedisCache", shown.stderr


@pytest.mark.parametrize("cache_url", ["", "locmemcache://"])
def test_production_refuses_to_start_without_a_shared_cache(cache_url):
    shown = _run(SHOW_CACHE, **PRODUCTION, CACHE_URL=cache_url)
    assert shown.returncode != 0
    assert "CACHE_URL" in shown.stderr
