"""List (and with --delete, remove) stored document files that no version points at."""

import datetime as dt

from django.core.management.base import BaseCommand

from evidence.orphans import orphaned_files, orphaned_files_delete


class Command(BaseCommand):
    help = (
        "List stored document files with no document version (left by failed uploads). "
        "A dry run unless --delete is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Remove the files listed (default: only list)."
        )
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="Only files at least this old (default 60), so uploads in progress are safe.",
        )

    def handle(self, *args, **options):
        names = orphaned_files(older_than=dt.timedelta(minutes=options["older_than_minutes"]))
        for name in names:
            self.stdout.write(name)
        if not names:
            self.stdout.write("No orphaned files.")
        elif options["delete"]:
            deleted = orphaned_files_delete(names)
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} orphaned file(s)."))
        else:
            self.stdout.write(
                f"{len(names)} orphaned file(s). Dry run: nothing deleted. "
                "Run again with --delete to remove them."
            )
