"""Evidence tasks: the daily purge of documents archived longer than the restore period."""

from celery import shared_task

from . import services


@shared_task
def documents_purge_task() -> int:
    """Every day at 03:30 (beat schedule in the database, see evidence/migrations): delete
    documents archived more than 30 days ago, then their files. Safe to run twice."""
    return services.documents_purge()
