"""Write one organisation's everything to a zip (see reports/org_archive.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django_scopes import scopes_disabled

from organisations.models import Organisation
from reports.org_archive import export_filename, organisation_export


class Command(BaseCommand):
    help = (
        "Export an organisation (slug or ODS code) to one zip: every document version with "
        "its file, answers with history, comments, plan, training, approvals, reports, "
        "activity log."
    )

    def add_arguments(self, parser):
        parser.add_argument("org", help="The organisation's slug or ODS code, e.g. vn4k2")
        parser.add_argument(
            "--output",
            "-o",
            help="Where to write the zip (default: ./<slug>-everything-<date>.zip)",
        )

    def handle(self, *args, **options):
        key = options["org"]
        with scopes_disabled():
            organisation = Organisation.objects.filter(
                Q(slug=key.lower()) | Q(ods_code=key.upper())
            ).first()
        if organisation is None:
            raise CommandError(f"No organisation has the slug or ODS code {key!r}.")
        path = options["output"] or export_filename(organisation)
        with open(path, "wb") as out:
            manifest = organisation_export(organisation=organisation, out=out)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path}: {rows} rows and {len(manifest['files'])} files of {organisation}."
            )
        )
