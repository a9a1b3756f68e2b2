"""Load a DSPT catalogue version from a YAML or CSV file (format: catalogues/README.md)."""

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from assessments.catalogue import CatalogueError, catalogue_import


class Command(BaseCommand):
    help = "Load a DSPT catalogue version (YAML or CSV). Safe to re-run; never edits a version."

    def add_arguments(self, parser):
        parser.add_argument("file", help="e.g. assessments/catalogues/dspt-2025-26-v8.yaml")

    def handle(self, *args, **options):
        try:
            with scopes_disabled():
                result = catalogue_import(path=options["file"])
        except CatalogueError as e:
            lines = "\n".join(f"  - {error}" for error in e.errors)
            raise CommandError(
                f"{options['file']} was not loaded (nothing changed):\n{lines}"
            ) from e
        self.stdout.write(self.style.SUCCESS(result.message) if result.created else result.message)
