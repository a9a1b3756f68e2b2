"""Local development: `make run`. SQLite and the SQLAlchemy broker unless told otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production")
DEMO_DATA_ALLOWED = True
# Verification emails are printed to the console; demo accounts are pre-verified.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
