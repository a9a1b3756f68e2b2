"""Dashboard fixtures: a fixed 'today' and homes built in bulk for the portfolio."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from assessments.models import Assessment, DocumentLink, Level, Response
from evidence.models import Document
from organisations.models import ActivityLog, Membership, Organisation, Role
from tests.assessments.factories import catalogue_with, simple_items
from tests.factories import UserFactory, give_totp

LONDON = zoneinfo.ZoneInfo("Europe/London")
# 1 March 2026: 243 of 364 days into the 2025-26 year, so homes should be 67% done.
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, 0, tzinfo=LONDON), tick=False):
        yield TODAY


@pytest.fixture
def catalogue(db):
    """Six items: AS, SM and optional, twice over (standards 1-6)."""
    return catalogue_with(simple_items(6), dspt_year=2026)


@pytest.fixture
def consultant(db):
    user = UserFactory(full_name="Daniel Hughes")
    give_totp(user)
    return user


@scopes_disabled()  # test set-up: any tenant's rows
def answer_text(response, text="Held in the IG folder, section 2, reviewed 3 March 2026."):
    response.answer_text = text
    response.save()


@scopes_disabled()  # test set-up: any tenant's rows
def build_homes(
    n: int, consultant, catalogue, *, answered: int = 3, ig_lead=None, year: int = 2026
) -> list:
    """n homes the consultant advises, each with an assessment answering its first
    `answered` items (in toolkit order), one overdue document, one linked document and
    one activity entry. Bulk inserts: a few queries whatever n is."""
    start = Organisation.objects.count()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Home {start + i:04d}",
                slug=f"bh{start + i}",
                ods_code=f"B{start + i:05d}",
                ig_lead=ig_lead,
            )
            for i in range(n)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(organisation=o, user=consultant, role=Role.CONSULTANT) for o in orgs]
    )
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                organisation=o, catalogue=catalogue, dspt_year=year, deadline=dt.date(year, 6, 30)
            )
            for o in orgs
        ]
    )
    items = list(catalogue.items.order_by("sort_key"))
    answer = "Held in the IG folder, section 2, reviewed 3 March 2026."
    Response.objects.bulk_create(
        [
            Response(
                organisation=a.organisation,
                assessment=a,
                item=item,
                answer_text=answer if i < answered else "",
            )
            for a in assessments
            for i, item in enumerate(items)
        ]
    )
    documents = Document.objects.bulk_create(
        [
            Document(
                organisation=o, title="Backup log", kind="log", next_review_due=dt.date(2025, 12, 1)
            )
            for o in orgs
        ]
    )
    # Links decide document items' answers; loading them must not cost a query per home.
    last_item = items[-1]
    responses = Response.objects.filter(assessment__in=assessments, item=last_item)
    DocumentLink.objects.bulk_create(
        [
            DocumentLink(organisation_id=r.organisation_id, document=d, response=r)
            for r, d in zip(responses.order_by("organisation_id"), documents, strict=True)
        ]
    )
    ActivityLog.objects.bulk_create(
        [ActivityLog(organisation=o, action="response.updated", object_repr="1.1.1") for o in orgs]
    )
    return orgs


__all__ = ["Level", "TODAY", "answer_text", "build_homes"]
