"""Settings shared by every environment. All environment reads live here.

Each variable is documented in `.env.example`. A bad value raises
ImproperlyConfigured at start-up rather than failing later.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep local overrides in .env; production sets real variables.
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Links in emails. Unset, it follows the port `make run PORT=…` serves on (the Makefile
# exports PORT to the web app and the worker that renders the emails).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "outbox",
    # Our apps, lowest layer first (ARCHITECTURE.md; `make lint` checks the imports).
    "accounts",
    "organisations",
    "evidence",
    "registers",
    "assessments",
    "reminders",
    "reports",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dspt_portal.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.MfaEnrolmentMiddleware",
    # Last: it calls the view itself, inside the organisation's scope.
    "organisations.access.OrganisationMiddleware",
]

# --- Headers. Every script is a file the app serves (no inline script, no eval); styles too,
# except style attributes (progress bars, Django admin), hence 'unsafe-inline' for styles
# only. Images: the app's own, and data: for the QR code shown when setting up two-step
# sign-in.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Nothing in the portal needs these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "hid",
        "bluetooth",
        "interest-cohort",
    )
}
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: no proxy, use the
# connection's address). Rate limits and the audit log use the address this gives.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

ROOT_URLCONF = "dspt_portal.urls"
WSGI_APPLICATION = "dspt_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dspt_portal.context_processors.portal",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: SQLite on a bare machine, PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# A kept-open connection is checked before each request reuses it, so a database restart
# costs a reconnect, not one error page per worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: allauth keeps login-failure counts and the marks of two-step codes already used
# here, so every web process must share it. Production: Redis (CACHE_URL=redis://...).
# Dev and test: this process's memory unless CACHE_URL says otherwise (filecache:///dir).
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "dspt",
        }
    }
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "organisations:landing"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "DSPT Portal: "
# Login rate limiting: allauth counts failures per IP and per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "DSPT Portal"
MFA_RECOVERY_CODE_COUNT = 10
USERSESSIONS_TRACK_ACTIVITY = True
# Platform rule: consultants and platform staff must use two-factor authentication.
MFA_REQUIRED_FOR_CONSULTANTS_AND_STAFF = env.bool(
    "MFA_REQUIRED_FOR_CONSULTANTS_AND_STAFF", default=True
)

# Sessions end after this many seconds of inactivity (default 8 hours), and on browser close.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Public status page: where anyone can check an organisation's published DSPT status.
DSPT_ORGANISATION_SEARCH_URL = env(
    "DSPT_ORGANISATION_SEARCH_URL", default="https://www.dsptoolkit.nhs.uk/OrganisationSearch"
)

# --- Tenancy
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# --- Email
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="DSPT Portal <no-reply@dspt-portal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connect or reply may take before the send fails (and is retried later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Outbox emails: the first retry waits this long (then doubles); after the last try, failed.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
# Work still waiting this long after it was queued is queued again by the outbox sweep.
OUTBOX_REQUEUE_SECONDS = env.int("OUTBOX_REQUEUE_SECONDS", default=120)

# --- Celery: the embedded default needs no server (kombu's SQLAlchemy transport on SQLite).
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{BASE_DIR / 'var' / 'celery-broker.sqlite'}"
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/London"
# A task past the soft limit is told to stop; past the hard limit its process is killed.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
# Every task is safe to run twice (each claims its row first), so a message is acknowledged
# only when its task has finished, and a worker process that dies (killed, out of memory)
# hands its message back instead of acknowledging it. The outbox sweep catches the rest.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues while the broker is down gives up quickly: the work is already
# recorded in the database and the outbox sweep queues it once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unacknowledged task (its worker died) is handed out again after this long. It must
    # be longer than any task may run, or a slow task would be handed to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=3600
    )
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 2
    if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT:
        raise ImproperlyConfigured(
            "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT."
        )
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT.")

# --- Reports
# A report not ready this long after it was asked for offers a "Try again" button.
REPORT_RETRY_AFTER_SECONDS = env.int("REPORT_RETRY_AFTER_SECONDS", default=300)
# A render killed this many times (e.g. out of memory) is marked failed, not tried again.
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)

# --- Reminders
# Organisations per sweep task; each batch runs a fixed number of queries.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=200)
# SMTP failures are retried after 60 s, 120 s, 240 s ... then marked failed.
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=60)
# An email claimed by a worker that died is claimable again after this many seconds.
REMINDER_STALE_CLAIM_SECONDS = env.int("REMINDER_STALE_CLAIM_SECONDS", default=600)

# --- Files: private storage. Local filesystem by default, S3 when configured.
MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "filesystem":
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: files are never served directly, only through access-checked views.
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
elif STORAGE_BACKEND == "s3":
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            "file_overwrite": False,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="auto"),
        },
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _private_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Stored files and the folders they are in are readable by the app's user (and group) only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Static files, served by the app (WhiteNoise). No CDN.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

# Demo accounts may be created only where this is true (dev and test), never in production.
DEMO_DATA_ALLOWED = False
DEMO_PASSWORD = env("DEMO_PASSWORD", default="dspt-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
