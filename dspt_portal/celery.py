"""Celery application, following Celery's "First steps with Django" guide."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dspt_portal.settings.dev")

app = Celery("dspt_portal")
# Every Celery setting lives in Django settings with a CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
