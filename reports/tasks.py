"""Celery tasks for reports: IDs in, load under the organisation's scope, call a service."""

from celery import shared_task
from django_scopes import scope, scopes_disabled

from . import services


@shared_task(bind=True)
def report_render_task(self, report_id: int) -> str:
    """Render a report. Claims it first: a second copy of the task does nothing."""
    with scopes_disabled():
        report = services.report_claim(report_id, task_id=self.request.id)
    if report is None:  # done, deleted, or being rendered by a live worker
        return "skipped"
    with scope(organisation=report.organisation):
        services.report_render(report=report)
    return "rendered"


@shared_task
def reports_rescue_task() -> int:
    """Every minute (beat schedule in the database, see reports/migrations/0003): queue again
    the reports whose render was lost."""
    with scopes_disabled():
        return services.reports_rescue()
