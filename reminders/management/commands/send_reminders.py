"""Run the reminder sweep by hand: `manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]`;
`--breach-clock` runs the hourly breach 72-hour clock sweep instead (now)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from reminders import services
from reminders.collect import breach_clocks
from reminders.tasks import batch_dues, breach_clock_sweep, email_send, sweep_batches


class Command(BaseCommand):
    help = "Find due reminders and send them now (the same sweep Celery runs daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; change nothing."
        )
        parser.add_argument(
            "--breach-clock",
            action="store_true",
            help="Run the hourly breach 72-hour clock sweep now instead of the daily one.",
        )

    def handle(self, *args, date=None, dry_run=False, breach_clock=False, **options):
        if breach_clock:
            return self._breach_clock(dry_run=dry_run)
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--date must look like 2026-06-30 ({e}).") from e
        new = sent = 0
        # Batch by batch, as the daily task does: what one batch found is sent before the
        # next is collected, so a stop half-way loses nothing already sent.
        for what, ids in sweep_batches():
            with scopes_disabled():
                dues = batch_dues(day, what, ids)
                if dry_run:
                    with transaction.atomic():
                        recorded = services.reminders_record(dues=dues)
                        transaction.set_rollback(True)
                    for d in recorded:
                        self.stdout.write(
                            f"would send [{d.kind}] to user {d.recipient_id}: {d.title}"
                        )
                    new += len(recorded)
                    continue
                new += len(services.reminders_record(dues=dues))
                email_ids = services.reminders_dispatch(
                    day=day, recipient_ids=services.recipients_of(dues)
                )
                sent += sum(email_send(email_id) == "sent" for email_id in email_ids)
        if dry_run:
            self.stdout.write(f"{new} reminder(s) would be sent on {day}.")
        else:
            self.stdout.write(f"{new} new reminder(s); {sent} email(s) sent on {day}.")

    def _breach_clock(self, *, dry_run: bool) -> None:
        with scopes_disabled():
            if dry_run:
                with transaction.atomic():
                    recorded = services.reminders_record(dues=breach_clocks(timezone.now()))
                    transaction.set_rollback(True)
                for d in recorded:
                    self.stdout.write(f"would send [{d.kind}] to user {d.recipient_id}: {d.title}")
                self.stdout.write(f"{len(recorded)} breach clock reminder(s) would be sent now.")
                return
            sent = sum(email_send(email_id) == "sent" for email_id in breach_clock_sweep())
        self.stdout.write(f"{sent} breach clock email(s) sent.")
