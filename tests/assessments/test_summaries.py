"""Stored outcome summaries (the portfolio, the platform overview): reused while nothing
changed, computed again the moment anything the outcome reads changes, and always the
same figures as computing every home's outcome afresh."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from assessments import summaries
from assessments.models import AnswerType, Level, Response
from assessments.outcome import outcomes_for
from assessments.summaries import figures_of, summaries_for
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.evidence.factories import DocumentFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)
ITEMS = [
    {"ref": "1.1.1", "level": Level.APPROACHING, "answer_type": AnswerType.CONFIRMATION},
    {"ref": "1.1.2", "level": Level.APPROACHING, "answer_type": AnswerType.TEXT},
    {"ref": "2.1.1", "level": Level.MET, "answer_type": AnswerType.DOCUMENT},
    {"ref": "3.1.1", "level": Level.MET, "answer_type": AnswerType.DATE, "valid_months": 12},
]


@pytest.fixture
def homes():
    catalogue = catalogue_with(ITEMS)
    with scopes_disabled():
        made = [assessment_for(OrganisationFactory(), catalogue) for _ in range(3)]
        for r in made[0].responses.select_related("item"):
            answer(r)
    return [a.organisation for a in made]


def _stored(homes, today=TODAY) -> dict:
    with scopes_disabled():
        found = summaries_for(homes, today=today)
    return {org_id: vars(outcome) if outcome else None for org_id, (_, outcome) in found.items()}


def _afresh(homes, today=TODAY) -> dict:
    with scopes_disabled():
        found = outcomes_for(homes, today=today)
    return {
        org_id: vars(summaries.summary_from(figures_of(outcome))) if outcome else None
        for org_id, (_, outcome) in found.items()
    }


def _spy(monkeypatch) -> list:
    computed = []
    real = summaries.outcomes_for

    def spy(organisations, **kwargs):
        computed.extend(o.pk for o in organisations)
        return real(organisations, **kwargs)

    monkeypatch.setattr(summaries, "outcomes_for", spy)
    return computed


def test_a_second_look_reads_the_stored_figures(homes, monkeypatch, django_assert_max_num_queries):
    assert _stored(homes) == _afresh(homes)
    computed = _spy(monkeypatch)
    with django_assert_max_num_queries(7):  # latest, five fingerprints, the summaries
        again = _stored(homes)
    assert again == _afresh(homes)
    assert computed == []


def _response(org, ref):
    with scopes_disabled():
        return Response.objects.select_related("item").get(organisation=org, item__ref=ref)


def _link(org, response, **document):
    link_model = Response._meta.get_field("document_links").related_model
    with scopes_disabled():
        doc = DocumentFactory(organisation=org, **document)
        link_model.objects.create(organisation=org, document=doc, response=response)
    return doc


def test_every_kind_of_change_is_picked_up_at_once(homes, monkeypatch):
    _stored(homes)
    computed = _spy(monkeypatch)
    first, second, _third = homes
    steps = [
        lambda: answer(_response(second, "1.1.1")),
        lambda: answer(_response(second, "3.1.1"), answer_date=dt.date(2025, 4, 1)),
        lambda: _link(second, _response(second, "2.1.1")),
    ]
    for step in steps:
        with scopes_disabled():
            step()
        computed.clear()
        assert _stored(homes) == _afresh(homes)
        assert computed == [second.pk]
    # A linked document goes overdue for review (the answer no longer counts).
    with scopes_disabled():
        doc = _link(first, _response(first, "2.1.1"))
    _stored(homes)
    with scopes_disabled():
        doc.next_review_due = TODAY - dt.timedelta(days=1)
        doc.save()
    computed.clear()
    assert _stored(homes) == _afresh(homes)
    assert computed == [first.pk]
    # The Cyber Essentials Plus certificate is recorded on the organisation.
    with scopes_disabled():
        first.cyber_essentials_plus_expires_on = dt.date(2027, 1, 1)
        first.save()
    computed.clear()
    assert _stored(homes) == _afresh(homes)
    assert computed == [first.pk]


def test_a_new_day_computes_again_for_time_windows(homes, monkeypatch):
    with scopes_disabled():
        answer(_response(homes[1], "3.1.1"), answer_date=dt.date(2025, 3, 1))
    before = _stored(homes)
    computed = _spy(monkeypatch)
    later = dt.date(2026, 3, 2)  # the date answer is now more than 12 months old
    after = _stored(homes, today=later)
    assert sorted(computed) == sorted(o.pk for o in homes)
    assert after == _afresh(homes, today=later)
    assert after[homes[1].pk]["answered_mandatory"] < before[homes[1].pk]["answered_mandatory"]
