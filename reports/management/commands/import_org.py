"""Load a zip made by export_org into this installation (an empty database and storage)."""

from django.core.management.base import BaseCommand, CommandError

from reports.org_archive import ArchiveError, organisation_import


class Command(BaseCommand):
    help = (
        "Import an organisation from a zip made by export_org. Refuses (changing nothing) "
        "if the organisation, its people or its files are already here."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The zip written by export_org")

    def handle(self, *args, **options):
        try:
            organisation = organisation_import(archive_path=options["archive"])
        except ArchiveError as error:
            raise CommandError(f"{options['archive']} was not imported: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {organisation}. Its people must reset their passwords to sign in."
            )
        )
