"""The schedule lives in the database (django-celery-beat), like the reminder sweep, so
staff can see and change it in the admin. Every minute: IntervalSchedule(every=1, minutes)."""
from django.db import migrations

TASK = "outbox.tasks.outbox_sweep_task"
NAME = "Outbox sweep (every minute)"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": schedule,
            "description": "Queues again the emails whose send task was lost (broker down, queue lost, worker killed), and removes sent emails older than a month.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
