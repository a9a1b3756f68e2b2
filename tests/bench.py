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


# ---------------------------------------------------------------- benchmarks


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
