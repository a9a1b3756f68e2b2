"""Organisation tasks: the daily erasure of organisations whose closure grace period is over."""

from celery import shared_task

from . import closure


@shared_task
def organisations_erase_task() -> int:
    """Every day at 04:00 (beat schedule in the database, see organisations/migrations): erase
    the organisations closed more than 30 days ago. Safe to run twice."""
    return closure.organisations_erase_due()
