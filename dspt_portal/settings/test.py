"""Tests: SQLite by default; CI points DATABASE_URL / CELERY_BROKER_URL at real services."""

import tempfile

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
if STORAGE_BACKEND == "filesystem":  # noqa: F405
    MEDIA_ROOT = tempfile.mkdtemp(prefix="dspt-test-media-")
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT  # noqa: F405
# Rate limits would trip over the many logins tests perform; a test turns them back on.
ACCOUNT_RATE_LIMITS = False
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")

# A Celery worker started by the integration tests writes emails to files the test reads.
if env("TEST_EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env("TEST_EMAIL_BACKEND")
    EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
