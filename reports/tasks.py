"""Celery tasks for reports: IDs in, load under the organisation's scope, call a service."""

from celery import shared_task
from django_scopes import scope, scopes_disabled

from .models import Report
from .services import report_render


@shared_task(acks_late=True)
def report_render_task(report_id: int) -> None:
    """Render a report. Idempotent: running it again overwrites the same file."""
    with scopes_disabled():
        report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:  # deleted since it was queued
        return
    with scope(organisation=report.organisation):
        report_render(report=report)
