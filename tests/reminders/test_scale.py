"""The sweep's query count does not grow with the number of organisations in a batch."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import User
from assessments.models import Assessment, EvidenceItem, Response
from evidence.models import Document
from organisations.models import Organisation
from reminders import services
from reminders.models import Reminder
from reminders.tasks import reminders_batch_task
from tests.assessments.factories import catalogue_with, simple_items
from tests.services import need

pytestmark = pytest.mark.django_db

HOMES = 5000
DAY = dt.date(2026, 5, 1)  # the 60-day deadline milestone


@pytest.fixture(scope="module")
def many_homes(django_db_setup, django_db_blocker):
    """Built once for the module inside an outer transaction that is rolled back at its end;
    each test runs in a savepoint inside it, so what one test writes never reaches the next."""
    with django_db_blocker.unblock(), scopes_disabled(), transaction.atomic():
        yield _many_homes()
        transaction.set_rollback(True)


def _many_homes():
    catalogue = catalogue_with(simple_items(3))
    items = list(catalogue.items.all())
    users = User.objects.bulk_create(
        [User(email=f"ig{i}@homes.example", full_name=f"IG lead {i}") for i in range(100)]
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Home {i}", slug=f"h{i:05d}", ods_code=f"H{i:05d}", ig_lead=users[i % 100]
            )
            for i in range(HOMES)
        ]
    )
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                organisation=o, catalogue=catalogue, dspt_year=2026, deadline=dt.date(2026, 6, 30)
            )
            for o in orgs
        ]
    )
    first = assessments[0]
    template = Response.objects.create(
        organisation_id=first.organisation_id, assessment=first, item=items[0]
    )
    _responses_copied(template, [item.pk for item in items])
    assert Response.objects.count() == HOMES * len(items)
    Document.objects.bulk_create(
        [
            Document(
                organisation=o,
                title=f"Policy {o.pk}",
                owner=users[o.pk % 100],
                next_review_due=DAY + dt.timedelta(days=10),
            )
            for o in orgs
        ]
    )
    return [o.pk for o in orgs]


def _responses_copied(template: Response, item_ids: list[int]) -> None:
    """A blank response for every other (assessment, item) of the template's catalogue, copied
    from the template row in one INSERT ... SELECT: 15,000 rows through the ORM cost more than
    the sweep the module measures."""
    qn = connection.ops.quote_name
    keys = {"organisation_id": "a.organisation_id", "assessment_id": "a.id", "item_id": "i.id"}
    columns = [f.column for f in Response._meta.concrete_fields if not f.primary_key]
    values = ", ".join(keys.get(c, f"t.{qn(c)}") for c in columns)
    items = ", ".join(["%s"] * len(item_ids))
    table = qn(Response._meta.db_table)
    # Table and column names come from the models; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(map(qn, columns))}) "  # noqa: S608
        f"SELECT {values} FROM {table} t, "
        f"{qn(Assessment._meta.db_table)} a, {qn(EvidenceItem._meta.db_table)} i "
        f"WHERE t.{qn(Response._meta.pk.column)} = %s AND a.catalogue_id = %s "
        f"AND i.id IN ({items}) AND NOT (a.id = t.assessment_id AND i.id = t.item_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [template.pk, template.assessment.catalogue_id, *item_ids])


def statements(captured) -> int:
    """Queries run, counting a bulk insert once even when the driver splits it into chunks
    (SQLite allows only 999 parameters per statement; PostgreSQL sends it whole)."""
    count, previous = 0, None
    for query in captured:
        head = query["sql"].split("(", 1)[0]
        if head.startswith("INSERT") and head == previous:
            continue
        count, previous = count + 1, head
    return count


def _queries(org_ids) -> int:
    with scopes_disabled(), CaptureQueriesContext(connection) as ctx:  # as the batch task
        dues = services.reminders_collect(day=DAY, organisation_ids=org_ids)
        services.reminders_record(dues=dues)
        services.reminders_dispatch(day=DAY, recipient_ids=services.recipients_of(dues))
    return statements(ctx.captured_queries)


def test_queries_per_batch_do_not_grow_with_the_batch(many_homes):
    small = _queries(many_homes[:10])
    large = _queries(many_homes[10:2010])
    assert small == large, f"{small} queries for 10 homes but {large} for 2,000"
    assert large <= 22  # one per collector's read, plus recording and dispatch


def test_the_whole_sweep_over_5000_homes_runs_in_batches_of_fixed_cost(many_homes, settings):
    settings.REMINDER_BATCH_SIZE = 1000
    per_batch = []
    for i in range(0, HOMES, 1000):
        with CaptureQueriesContext(connection) as ctx:
            reminders_batch_task(DAY.isoformat(), many_homes[i : i + 1000])
        per_batch.append(statements(ctx.captured_queries))
    assert len(set(per_batch)) == 1, per_batch
    # Every home's two reminders (deadline + document) were recorded.
    assert Reminder.objects.count() == HOMES * 2


def test_dispatch_looks_up_rows_by_index_whatever_the_planner_knows(many_homes):
    """The tables were just filled and never analysed, as on a new install or the day's first
    sweep: dispatch must still find each reminder's email by its keys, never by a join the
    planner picks from stale estimates (such a join took 36 s a chunk at 20,000 homes)."""
    need(connection.vendor == "postgresql", "needs PostgreSQL's planner, as in CI")
    with scopes_disabled():
        dues = services.reminders_collect(day=DAY, organisation_ids=many_homes[:600])
        services.reminders_record(dues=dues)
        recipients = services.recipients_of(dues)
        with CaptureQueriesContext(connection) as ctx:
            assert services.reminders_dispatch(day=DAY, recipient_ids=recipients)
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if "reminders_reminder" in q["sql"] and q["sql"].lstrip().startswith(("SELECT", "UPDATE"))
    ]
    assert len(reads) >= 2  # the waiting reminders, then attaching them to today's emails
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Join" not in plan, plan
