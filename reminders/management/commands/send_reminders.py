"""Run the reminder sweep by hand: `manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]`."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations.models import Membership, Organisation, Role
from reminders import services
from reminders.collect import consultant_digest
from reminders.tasks import email_send


class Command(BaseCommand):
    help = "Find due reminders and send them now (the same sweep Celery runs daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; change nothing."
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--date must look like 2026-06-30 ({e}).") from e
        with scopes_disabled():
            # A closing organisation is read-only until its erasure: nothing to remind anyone of.
            org_ids = list(
                Organisation.objects.filter(closes_on__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            consultants = sorted(
                set(
                    Membership.objects.filter(role=Role.CONSULTANT).values_list(
                        "user_id", flat=True
                    )
                )
            )
            dues = []
            size = settings.REMINDER_BATCH_SIZE
            for i in range(0, len(org_ids), size):
                dues += services.reminders_collect(day=day, organisation_ids=org_ids[i : i + size])
            dues += consultant_digest(day, consultants)
            if dry_run:
                with transaction.atomic():
                    new = services.reminders_record(dues=dues)
                    transaction.set_rollback(True)
                for d in new:
                    self.stdout.write(f"would send [{d.kind}] to user {d.recipient_id}: {d.title}")
                self.stdout.write(f"{len(new)} reminder(s) would be sent on {day}.")
                return
            new = services.reminders_record(dues=dues)
            email_ids = services.reminders_dispatch(
                day=day, recipient_ids=services.recipients_of(dues)
            )
            sent = 0
            for email_id in email_ids:
                if email_send(email_id) == "sent":
                    sent += 1
            self.stdout.write(f"{len(new)} new reminder(s); {sent} email(s) sent on {day}.")
