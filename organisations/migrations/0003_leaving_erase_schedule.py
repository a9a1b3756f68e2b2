"""The erasure schedule lives in the database (django-celery-beat), like the reminder sweep, so
staff can see and change it in the admin. Every day at 04:00 UK time: crontab(minute=0, hour=4)."""
from django.db import migrations

TASK = "organisations.tasks.organisations_erase_task"
NAME = "Erase closed organisations (daily 04:00)"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="4", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "description": "Erases the organisations whose admin closed them 30 days ago: their data, "
            "activity log and files. Until then staff can restore them in the admin.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_leaving_closure"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
