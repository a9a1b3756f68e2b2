"""After approval and publication: the home page and the portfolio say when it was
published, as what, and by when to republish; and they stop asking for answers."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from assessments.models import Approval, AssessmentStatus
from dashboards.portfolio import portfolio_rows
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with, simple_items
from tests.dashboards.conftest import build_homes

pytestmark = pytest.mark.django_db


@scopes_disabled()
def _publish(assessment, published_on: dt.date, outcome="standards_met"):
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.save()
    return Approval.objects.create(
        organisation=assessment.organisation,
        assessment=assessment,
        revision=assessment.revision,
        outcome_level=outcome,
        approved_at=dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC),
        published_on=published_on,
        published_outcome=outcome,
    )


def _home(client_as, organisation, role=Role.EDITOR):
    return client_as(role).get(reverse("organisations:home", args=[organisation.slug]))


def test_home_page_says_published_as_what_and_when_to_republish(client_as, organisation, today):
    assessment = assessment_for(organisation, catalogue_with(simple_items(6)))
    _publish(assessment, dt.date(2026, 2, 12))

    page = _home(client_as, organisation)

    assert (
        "Published on 12 February 2026 as Standards Met; republish by 12 February 2027" in page.text
    )
    assert "348 days left" in page.text  # 1 March 2026 to 12 February 2027


def test_a_published_assessment_asks_for_no_answers(client_as, organisation, today):
    assessment = assessment_for(organisation, catalogue_with(simple_items(6)))
    with scopes_disabled():
        unanswered = assessment.responses.select_related("item").order_by("item__sort_key").first()
    item_url = reverse("assessments:item", args=[organisation.slug, unanswered.pk])
    before = _home(client_as, organisation)
    assert f"Answer {unanswered.item.ref} next" in before.text  # the draft asks for it
    _publish(assessment, dt.date(2026, 2, 12))

    page = _home(client_as, organisation)

    assert f"Answer {unanswered.item.ref} next" not in page.text
    assert item_url not in page.text
    assert "Answers to check" not in page.text
    assert "Nothing to answer: the assessment is published" in page.text


def test_an_approved_assessment_points_to_recording_the_publication(client_as, organisation, today):
    assessment = assessment_for(organisation, catalogue_with(simple_items(6)))
    assessment.status = AssessmentStatus.APPROVED
    assessment.save()
    with scopes_disabled():
        first = assessment.responses.order_by("item__sort_key").first()

    page = _home(client_as, organisation)

    assert "Record the publication" in page.text
    assert reverse("assessments:approval", args=[organisation.slug]) in page.text
    assert reverse("assessments:item", args=[organisation.slug, first.pk]) not in page.text


def test_republish_date_of_a_29_february_publication_is_28_february(
    client_as, organisation, time_machine
):
    time_machine.move_to(dt.datetime(2028, 3, 1, 10, tzinfo=dt.UTC), tick=False)
    assessment = assessment_for(organisation, catalogue_with(simple_items(6), dspt_year=2028))
    _publish(assessment, dt.date(2028, 2, 29))

    page = _home(client_as, organisation)

    assert "Published on 29 February 2028 as Standards Met; republish by 28 February 2029" in (
        page.text
    )


def test_a_publication_more_than_a_year_old_is_out_of_date(client_as, organisation, today):
    assessment = assessment_for(organisation, catalogue_with(simple_items(6), dspt_year=2025))
    _publish(assessment, dt.date(2025, 3, 1), outcome="approaching_standards")

    page = _home(client_as, organisation)

    assert "Your publication is out of date" in page.text
    assert "as Approaching Standards; republish by 1 March 2026" in page.text


def test_portfolio_shows_the_published_state_and_stops_counting_it_behind(
    client, consultant, catalogue, today
):
    published, draft = build_homes(2, consultant, catalogue, answered=1)
    with scopes_disabled():
        _publish(published.assessments.get(), dt.date(2026, 2, 12))
    client.force_login(consultant)

    page = client.get(reverse("organisations:portfolio"))

    assert page.status_code == 200
    assert (
        "Published on 12 February 2026 as Standards Met; republish by 12 February 2027" in page.text
    )
    rows = {r.organisation.pk: r for r in portfolio_rows(consultant)}
    assert "Answers locked" in rows[published.pk].why
    assert "to Standards Met" not in rows[published.pk].why  # no items asked of it
    assert not rows[published.pk].behind_schedule
    assert rows[draft.pk].behind_schedule and rows[draft.pk].publication is None


def test_portfolio_pdf_carries_the_published_state(client, consultant, catalogue, today):
    [home] = build_homes(1, consultant, catalogue, answered=1)
    with scopes_disabled():
        _publish(home.assessments.get(), dt.date(2026, 2, 12))
    client.force_login(consultant)

    pdf = client.get(reverse("reports_public:portfolio_pdf")).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    assert "republish by 12 February 2027" in " ".join(text.split())
