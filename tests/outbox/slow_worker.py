"""`python -m tests.outbox.slow_worker -A dspt_portal worker ...`: a real Celery worker whose
Word report renders take a few seconds, so a test can kill the pool process mid-render.
The pool processes are forked from this one, so they inherit the slow render."""

import os
import sys
import time

import django

django.setup()

from celery.bin.celery import main  # noqa: E402

from reports import render  # noqa: E402

_real_docx = render.assessment_report_docx


def _slow_docx(data):
    time.sleep(float(os.environ.get("SLOW_RENDER_SECONDS", "4")))
    return _real_docx(data)


render.assessment_report_docx = _slow_docx

if __name__ == "__main__":
    sys.exit(main())
