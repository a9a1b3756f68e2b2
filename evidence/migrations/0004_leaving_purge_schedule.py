"""The purge schedule lives in the database (django-celery-beat), like the reminder sweep, so
staff can see and change it in the admin. Every day at 03:30 UK time: crontab(minute=30, hour=3)."""
from django.db import migrations

TASK = "evidence.tasks.documents_purge_task"
NAME = "Purge archived documents (daily 03:30)"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "description": "Deletes documents archived more than 30 days ago, then their files. "
            "Until then an admin of the organisation can restore them.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_leaving_document_archive"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
