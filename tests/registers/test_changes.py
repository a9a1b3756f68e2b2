"""'What changed this year': register entries since the last publication (or 1 July), in
plain English with the items they touch, on the home page, its full list and the review."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments.models import Approval
from assessments.services import register_changes
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with, simple_items
from tests.registers.factories import (
    BreachFactory,
    ContinuityTestFactory,
    ITAssetFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=LONDON), tick=False)


def test_entries_since_1_july_newest_first_with_their_items(organisation):
    with at(dt.date(2026, 6, 20)):  # last DSPT year: not listed
        ITAssetFactory(organisation=organisation, name="Old rota PC")
    with at(dt.date(2026, 9, 1)):
        ITAssetFactory(organisation=organisation, name="Care planning app")
    with at(dt.date(2026, 11, 3)):
        BreachFactory(
            organisation=organisation,
            title="Lost handover sheet",
            discovered_at=timezone.make_aware(dt.datetime(2026, 11, 3, 8)),
        )
        SupplierFactory(organisation=organisation, name="Harrogate IT", admin_access=True)
    with at(dt.date(2026, 12, 1)), scope(organisation=organisation):  # as the home page
        lines = [c.line for c in register_changes(organisation).changes]
        since = register_changes(organisation).since_text

    assert since == "since 1 July 2026"
    assert lines == [
        "Breach found 3 November 2026: Lost handover sheet (6.1.1–6.1.3)",
        "New supplier: Harrogate IT (IT support) (4.3.1, 10.1.2, 10.2.1, 10.2.2)",
        "New IT system: Care planning app (7.1.1, 8.1.4)",
    ]
    assert "Old rota PC" not in " ".join(lines)


def test_after_a_publication_only_later_changes_and_edits_say_updated(organisation):
    assessment = assessment_for(organisation, catalogue_with(simple_items(2)))
    with at(dt.date(2026, 8, 1)):
        asset = ITAssetFactory(organisation=organisation, name="Office PC")
        ContinuityTestFactory(organisation=organisation, tested_on=dt.date(2026, 7, 30))
    with scopes_disabled():
        Approval.objects.create(
            organisation=organisation,
            assessment=assessment,
            revision=1,
            outcome_level="approaching_standards",
            approved_at=timezone.now(),
            published_on=dt.date(2026, 9, 1),
        )
    with at(dt.date(2026, 10, 5)):
        with scopes_disabled():
            asset.supported_until = dt.date(2026, 10, 1)
            asset.save()
        with scope(organisation=organisation):  # as the home and review pages call it
            changes = register_changes(organisation)
            review = register_changes(organisation, before=assessment)

    assert changes.since_text == "since you last published on 1 September 2026"
    assert [c.line for c in changes.changes] == [
        "IT system updated: Office PC (7.1.1, 8.1.4, 8.2.1)"
    ]
    # The annual review of the published assessment itself counts from the year's start.
    assert len(review.changes) == 2


def test_home_panel_shows_eight_newest_and_links_to_all_in_constant_queries(
    client_as, organisation, django_assert_max_num_queries
):
    assessment_for(organisation, catalogue_with(simple_items(4)))
    client = client_as(Role.VIEWER)
    url = reverse("organisations:home", args=[organisation.slug])
    with at(dt.date(2026, 10, 1)):
        ITAssetFactory(organisation=organisation, name="Care planning app")
        client.get(url)
        with django_assert_max_num_queries(60) as few:
            page = client.get(url)
    assert "New IT system: Care planning app" in page.text
    assert "See all" not in page.text
    queries = len(few.captured_queries)  # read now: each request clears the query log

    with at(dt.date(2026, 10, 2)):
        for n in range(11):
            SupplierFactory(organisation=organisation, name=f"Supplier {n:02}")
        client = client_as(Role.VIEWER)  # signed in again: the idle session timed out
        client.get(url)
        with django_assert_max_num_queries(queries):
            page = client.get(url)
        full = client.get(reverse("organisations:year_changes", args=[organisation.slug]))
    assert page.status_code == 200, page.status_code
    panel = page.text.split('data-testid="year-changes"')[1].split("</section>")[0]
    assert panel.count("<li>") == 8
    assert "New IT system" not in panel  # the oldest is on the full list only
    assert "See all 12 changes" in panel
    assert (
        full.text.count("New supplier:") == 11 and "New IT system: Care planning app" in full.text
    )


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.ADMIN])
def test_every_link_on_the_changes_pages_works_for_each_role(client_as, organisation, role):
    assessment_for(organisation, catalogue_with(simple_items(2)))
    with at(dt.date(2026, 10, 1)):
        BreachFactory(organisation=organisation)
        ITAssetFactory(organisation=organisation)
        SupplierFactory(organisation=organisation)
        ContinuityTestFactory(organisation=organisation, tested_on=dt.date(2026, 9, 1))
        client = client_as(role)
        home = client.get(reverse("organisations:home", args=[organisation.slug]))
        full = client.get(reverse("organisations:year_changes", args=[organisation.slug]))
        panel = home.text.split('data-testid="year-changes"')[1].split("</section>")[0]
        links = set(re.findall(r'href="([^"]+)"', panel + full.text.split("<main")[-1]))
        links = {link for link in links if link.startswith(f"/o/{organisation.slug}/")}
        assert len(links) >= 5
        for link in links:
            assert client.get(link).status_code == 200, link


def test_the_annual_review_lists_the_changes_in_the_report_and_on_the_review_page(
    client_as, organisation
):
    from reports.content import assessment_report_data
    from reports.render import assessment_report_docx

    assessment = assessment_for(organisation, catalogue_with(simple_items(2)))
    with at(dt.date(2026, 11, 3)):
        BreachFactory(
            organisation=organisation,
            title="Lost handover sheet",
            discovered_at=timezone.make_aware(dt.datetime(2026, 11, 3, 8)),
        )
        with scopes_disabled():
            data = assessment_report_data(assessment)
        review = client_as(Role.ADMIN).get(reverse("assessments:review", args=[organisation.slug]))

    assert data["year_changes"]["since"] == "since 1 July 2026"
    assert data["year_changes"]["lines"] == [
        {
            "text": "Breach found 3 November 2026: Lost handover sheet",
            "refs": "6.1.1–6.1.3",
            "on": "3 November 2026",
        }
    ]
    assert b"Lost handover sheet" in _docx_text(assessment_report_docx(data))
    assert review.status_code == 200
    assert "Breach found 3 November 2026: Lost handover sheet" in review.text


def _docx_text(blob: bytes) -> bytes:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml")
