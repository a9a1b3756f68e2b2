"""`make bench`: time the slow paths on a throwaway test database.

Run: `.venv/bin/python -m tests.bench [name ...] [--repeat N]`.
Add a benchmark by writing a function that takes the shared `fixtures` dict and decorating
it with `@benchmark("what it measures")`; it is timed `--repeat` times (best and median).
Fixtures are built once, lazily, by the functions in FIXTURES.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

BENCHMARKS: dict[str, tuple[str, Callable[[dict], object]]] = {}
FIXTURES: dict[str, Callable[[dict], object]] = {}


def benchmark(label: str):
    def register(func: Callable[[dict], object]):
        BENCHMARKS[func.__name__] = (label, func)
        return func

    return register


def fixture(func: Callable[[dict], object]):
    FIXTURES[func.__name__] = func
    return func


class Fixtures(dict):
    """Builds a fixture the first time a benchmark asks for it."""

    def __missing__(self, key):
        self[key] = FIXTURES[key](self)
        return self[key]


# ---------------------------------------------------------------- fixtures


@fixture
def complete_assessment(fixtures: dict):
    """The bundled 2025-26 catalogue, every item answered, documents linked and approved."""
    from assessments.catalogue import bundled_catalogue_ensure
    from tests.assessments.factories import assessment_for
    from tests.factories import OrganisationFactory, UserFactory
    from tests.reports.conftest import complete

    organisation = OrganisationFactory(
        name="Meadowbank House Care Home", ods_code="VN4K2", slug="vn4k2"
    )
    organisation.senior_accountable_person = UserFactory(full_name="Margaret Ellis")
    organisation.save()
    assessment = assessment_for(organisation, bundled_catalogue_ensure())
    complete(assessment)
    return assessment


@fixture
def portfolio_500(fixtures: dict):
    """A consultant with 500 homes, each with an assessment of the bundled 49 items."""
    import datetime as dt

    from assessments.catalogue import bundled_catalogue_ensure
    from assessments.models import Assessment, Response
    from organisations.models import Membership, Organisation, Role
    from tests.factories import UserFactory

    catalogue = bundled_catalogue_ensure()
    items = list(catalogue.items.all())
    consultant = UserFactory(email="bench-consultant@example.org")
    homes = Organisation.objects.bulk_create(
        Organisation(name=f"Bench Home {i}", slug=f"bench{i}", ods_code=f"VB{i:03d}")
        for i in range(500)
    )
    Membership.objects.bulk_create(
        Membership(organisation=o, user=consultant, role=Role.CONSULTANT) for o in homes
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            organisation=o, catalogue=catalogue, dspt_year=2027, deadline=dt.date(2027, 6, 30)
        )
        for o in homes
    )
    Response.objects.bulk_create(
        (
            Response(
                organisation_id=a.organisation_id,
                assessment=a,
                item=item,
                answer_text="Held in the IG folder" if (a.pk + item.pk) % 3 else "",
            )
            for a in assessments
            for item in items
        ),
        batch_size=5000,
    )
    return consultant, [o.pk for o in homes]


# ---------------------------------------------------------------- benchmarks


@benchmark("Portfolio: every number for 500 homes (portfolio_rows)")
def portfolio_rows_500(fixtures: dict):
    from dashboards.portfolio import portfolio_rows

    consultant, _ = fixtures["portfolio_500"]
    return portfolio_rows(consultant)


@benchmark("Reminders: collect + record + group one batch of 200 homes")
def reminder_batch_200(fixtures: dict):
    import datetime as dt

    from django.db import transaction

    from reminders import services

    _, home_ids = fixtures["portfolio_500"]
    day = dt.date(2027, 5, 1)
    with transaction.atomic():
        dues = services.reminders_collect(day=day, organisation_ids=home_ids[:200])
        services.reminders_record(dues=dues)
        services.reminders_dispatch(day=day, recipient_ids=services.recipients_of(dues))
        transaction.set_rollback(True)  # each run starts from the same state


@benchmark("Assessment report: gather data (queries)")
def report_data(fixtures: dict):
    from reports.content import assessment_report_data

    return assessment_report_data(fixtures["complete_assessment"])


@benchmark("Assessment report: full PDF render (data + HTML + WeasyPrint)")
def report_pdf(fixtures: dict):
    from reports.content import assessment_report_data
    from reports.render import assessment_report_pdf

    return assessment_report_pdf(assessment_report_data(fixtures["complete_assessment"]))


@benchmark("Assessment report: Word version")
def report_docx(fixtures: dict):
    from reports.content import assessment_report_data
    from reports.render import assessment_report_docx

    return assessment_report_docx(assessment_report_data(fixtures["complete_assessment"]))


@benchmark("Checklist export (XLSX)")
def checklist_xlsx(fixtures: dict):
    from reports.spreadsheets import checklist_xlsx as export

    return export(fixtures["complete_assessment"])


# ---------------------------------------------------------------- harness


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dspt_portal.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return connection, name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    connection, db_name = _setup_django()
    from django_scopes import scopes_disabled

    try:
        with scopes_disabled():
            fixtures = Fixtures()
            for name in args.names or BENCHMARKS:
                label, func = BENCHMARKS[name]
                func(fixtures)  # warm up: imports, fonts, fixtures
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    func(fixtures)
                    times.append(time.perf_counter() - start)
                print(
                    f"{label:<64} best {min(times):7.3f}s  "
                    f"median {statistics.median(times):7.3f}s  ({args.repeat} runs)"
                )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
