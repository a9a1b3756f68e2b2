"""Load a DSPT catalogue version from a YAML or CSV file, or NHS England's XLSX spreadsheet
(format and column names: catalogues/README.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from assessments.catalogue import CatalogueError, catalogue_load, catalogue_read
from assessments.catalogue_preview import catalogue_preview


class Command(BaseCommand):
    help = (
        "Load a DSPT catalogue version (YAML, CSV, or the NHS England .xlsx spreadsheet). "
        "A spreadsheet is previewed first and loaded when you confirm. Safe to re-run; "
        "never edits a version."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="e.g. assessments/catalogues/dspt-2025-26-v8.yaml or the .xlsx"
        )
        parser.add_argument("--key", help="version key, e.g. 2025-26-v8-official")
        parser.add_argument("--label", help="the name users see, e.g. '2025-26 (DSPT v8)'")
        parser.add_argument("--year", type=int, help="the deadline's year, e.g. 2026")
        parser.add_argument("--dry-run", action="store_true", help="preview only, load nothing")
        parser.add_argument("--yes", action="store_true", help="load without asking")

    def handle(self, *args, **options):
        path = options["file"]
        spreadsheet = Path(path).suffix.lower() in (".xlsx", ".xlsm")
        version = {"key": options["key"], "label": options["label"], "dspt_year": options["year"]}
        with scopes_disabled():
            try:
                data = catalogue_read(path, version=version)
            except CatalogueError as e:
                lines = "\n".join(f"  - {error}" for error in e.errors)
                raise CommandError(f"{path} was not loaded (nothing changed):\n{lines}") from e
            if spreadsheet or options["dry_run"]:
                preview = catalogue_preview(data)
                for line in preview.lines():
                    self.stdout.write(line)
                if options["dry_run"] or not preview.can_load:
                    return
                if not options["yes"] and not self._confirmed():
                    self.stdout.write("Nothing loaded. Run again with --yes to load it.")
                    return
            try:
                result = catalogue_load(data)
            except CatalogueError as e:
                lines = "\n".join(f"  - {error}" for error in e.errors)
                raise CommandError(f"{path} was not loaded (nothing changed):\n{lines}") from e
        self.stdout.write(self.style.SUCCESS(result.message) if result.created else result.message)

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            return False
        return input("Load this list? [y/N] ").strip().lower() in ("y", "yes")
