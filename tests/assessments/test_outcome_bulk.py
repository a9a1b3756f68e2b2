"""Many assessments at once: the database's 'answered' (answered_q) agrees with
Response.is_answered, and the bulk outcomes agree with one assessment's outcome."""

import datetime as dt

import pytest
from django.db.models import BooleanField, ExpressionWrapper
from django_scopes import scopes_disabled

from assessments.models import AnswerType, Level, Response
from assessments.outcome import (
    answered_q,
    assessment_outcome,
    outcomes_for,
)
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ITEMS = [
    {"ref": "1.1.1", "level": Level.APPROACHING, "answer_type": AnswerType.CONFIRMATION},
    {"ref": "1.1.2", "level": Level.APPROACHING, "answer_type": AnswerType.TEXT},
    {"ref": "2.1.1", "level": Level.MET, "answer_type": AnswerType.DOCUMENT},
    {"ref": "2.1.2", "level": Level.MET, "answer_type": AnswerType.NUMBER, "na_allowed": True},
    {"ref": "3.1.1", "level": Level.MET, "answer_type": AnswerType.DATE},
    {"ref": "4.1.1", "level": Level.OPTIONAL, "answer_type": AnswerType.TEXT},
]
# Every shape of answer per answer type ({} leaves it empty).
SHAPES = {
    AnswerType.CONFIRMATION: [{"answer_confirmed": True}, {"answer_confirmed": False}, {}],
    AnswerType.TEXT: [{"answer_text": "In the IG folder"}, {"answer_text": " \n\t "}, {}],
    AnswerType.DOCUMENT: [{"answer_text": "Shared drive > Policies"}, {"answer_text": "  "}, {}],
    AnswerType.NUMBER: [{"answer_number": 0}, {"answer_number": 96}, {}],
    AnswerType.DATE: [{"answer_date": dt.date(2019, 3, 1)}, {"answer_date": dt.date(2026, 3, 1)}],
}
NOT_APPLICABLE = [
    {"not_applicable": True, "na_reason": "We have no such systems"},
    {"not_applicable": True, "na_reason": "   "},
    {"not_applicable": True, "na_reason": "No reason needed?", "answer_text": "x"},
]


@pytest.fixture
def catalogue():
    return catalogue_with(ITEMS)


def _link(response):
    from tests.evidence.factories import DocumentFactory

    link_model = Response._meta.get_field("document_links").related_model
    document = DocumentFactory(organisation=response.organisation)
    link_model.objects.create(
        organisation=response.organisation, document=document, response=response
    )


def _assessments_in_every_shape(catalogue) -> list:
    """One assessment per shape index, each response given that shape of its type."""
    made = []
    widest = max(len(v) for v in SHAPES.values()) + len(NOT_APPLICABLE)
    with scopes_disabled():
        for n in range(widest):
            assessment = assessment_for(OrganisationFactory(), catalogue)
            for r in assessment.responses.select_related("item"):
                shapes = SHAPES[r.item.answer_type] + NOT_APPLICABLE
                if shape := shapes[n % len(shapes)]:
                    answer(r, **shape)
                if r.item.answer_type == AnswerType.DOCUMENT and n % 2:
                    _link(r)
            made.append(assessment)
    return made


def test_the_database_and_python_agree_on_what_is_answered(catalogue):
    assessments = _assessments_in_every_shape(catalogue)
    with scopes_disabled():
        responses = Response.objects.filter(assessment__in=assessments).select_related("item")
        in_python = {r.pk: r.is_answered for r in responses}
        in_sql = dict(
            Response.objects.filter(assessment__in=assessments)
            .annotate(answered=ExpressionWrapper(answered_q(), output_field=BooleanField()))
            .values_list("pk", "answered")
        )

    assert {pk: bool(v) for pk, v in in_sql.items()} == in_python
    assert any(in_python.values()) and not all(in_python.values())


def test_bulk_outcomes_match_each_assessments_own_outcome(catalogue):
    assessments = _assessments_in_every_shape(catalogue)
    with scopes_disabled():
        organisations = [a.organisation for a in assessments]
        organisations[0].cyber_essentials_plus_expires_on = dt.date.today() + dt.timedelta(9)
        organisations[0].save()
        bulk = outcomes_for(organisations)
        for assessment in assessments:
            one = assessment_outcome(assessment)
            got = bulk[assessment.organisation_id][1]
            assert (got.level, got.answered_mandatory, got.answered_all) == (
                one.level,
                one.answered_mandatory,
                one.answered_all,
            )
            assert [r.item.ref for r in got.blockers_for_next] == [
                r.item.ref for r in one.blockers_for_next
            ]
            assert [r.item.ref for r in got.missing_for_met] == [
                r.item.ref for r in one.missing_for_met
            ]
            assert got.by_standard == one.by_standard
            assert got.by_category == one.by_category


def test_bulk_outcomes_take_the_newest_year_and_a_constant_number_of_queries(
    catalogue, django_assert_num_queries
):
    with scopes_disabled():
        organisation = OrganisationFactory()
        assessment_for(organisation, catalogue, dspt_year=2025)
        newest = assessment_for(organisation, catalogue, dspt_year=2026)
        others = [assessment_for(OrganisationFactory(), catalogue).organisation for _ in range(3)]
        # 5, plus the five registers (1.1.2 is on the checklist), whatever the number of homes.
        with django_assert_num_queries(10):
            bulk = outcomes_for([organisation, *others])

    assert bulk[organisation.pk][0] == newest
