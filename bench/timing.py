"""Timings made in the bench process itself: the reminder sweep, the PDF and the Word report."""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time

from django.conf import settings
from django.db import transaction
from django_scopes import scope, scopes_disabled

from .copy import model

PLAIN_PARAGRAPH = (
    "Plain text that fills the page the way the report's tables do: a care home's answers, "
    "who owns each item, the documents behind them and when each is due for review. "
) * 6


def sweep(day: dt.date | None = None) -> dict:
    """The daily sweep's work for every home, batch by batch, as `reminders_batch_task` does
    it (collect, record, attach to emails), then the consultants' digests. Emails are sent
    by their own tasks and are not part of this. Undone afterwards, so runs compare."""
    from dspt_portal.deadlines import dspt_deadline
    from reminders import services
    from reminders.collect import consultant_digest

    Organisation, Membership = model("Organisation"), model("Membership")
    day = day or dspt_deadline() - dt.timedelta(days=30)  # a countdown day: every collector runs
    size = settings.REMINDER_BATCH_SIZE
    times, emails = [], 0
    with scopes_disabled():
        org_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        consultants = sorted(
            set(Membership.objects.filter(role="consultant").values_list("user_id", flat=True))
        )
        started = time.perf_counter()
        for i in range(0, len(org_ids), size):
            t0 = time.perf_counter()
            with transaction.atomic():
                dues = services.reminders_collect(day=day, organisation_ids=org_ids[i : i + size])
                services.reminders_record(dues=dues)
                emails += len(
                    services.reminders_dispatch(day=day, recipient_ids=services.recipients_of(dues))
                )
            times.append(time.perf_counter() - t0)
        with transaction.atomic():
            dues = consultant_digest(day, consultants)
            services.reminders_record(dues=dues)
            services.reminders_dispatch(day=day, recipient_ids=services.recipients_of(dues))
        seconds = time.perf_counter() - started
        model("Reminder").objects.all().delete()
        model("ReminderEmail").objects.all().delete()
    return {
        "organisations": len(org_ids),
        "day": day.isoformat(),
        "seconds": round(seconds, 3),
        "batches": len(times),
        "batch_size": size,
        "median_batch": round(statistics.median(times), 3) if times else 0,
        "slowest_batch": round(max(times), 3) if times else 0,
        "emails": emails,
    }


def _report_data():
    from reports.content import assessment_report_data

    Assessment = model("Assessment")
    with scopes_disabled():
        assessment = (
            Assessment.objects.select_related("organisation").order_by("organisation_id").first()
        )
    with scope(organisation=assessment.organisation):
        return assessment_report_data(assessment)


def _plain_html(pages: int) -> str:
    body = "".join(
        f'<section style="break-after: page"><h1>Page {n + 1}</h1>'
        + f"<p>{PLAIN_PARAGRAPH}</p>" * 3
        + "</section>"
        for n in range(pages)
    )
    head = "<head><meta charset='utf-8'><title>Plain</title></head>"
    return f"<!doctype html><html lang='en'>{head}<body>{body}</body></html>"


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf(runs: int = 2) -> dict:
    """The assessment report (HTML from its template, tagged PDF) against WeasyPrint turning
    plain HTML of the same number of pages into a PDF, alternately, best of `runs`."""
    from weasyprint import HTML

    from reports.render import assessment_report_html, pdf_from_html

    data = _report_data()
    first = pdf_from_html(assessment_report_html(data))  # warm up fonts and imports
    pages = _pages(first)
    plain_html = _plain_html(pages)
    plain_pages = _pages(HTML(string=plain_html).write_pdf())
    report_times, plain_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf_from_html(assessment_report_html(data))
        report_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        HTML(string=plain_html).write_pdf()
        plain_times.append(time.perf_counter() - t0)
    return {
        "pages": pages,
        "plain_pages": plain_pages,
        "report_seconds": round(min(report_times), 3),
        "plain_seconds": round(min(plain_times), 3),
        "report_runs": [round(t, 3) for t in report_times],
        "plain_runs": [round(t, 3) for t in plain_times],
    }


def docx(runs: int = 3) -> dict:
    from reports.render import assessment_report_docx

    data = _report_data()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        assessment_report_docx(data)
        times.append(time.perf_counter() - t0)
    return {"seconds": round(min(times), 3), "runs": [round(t, 3) for t in times]}
