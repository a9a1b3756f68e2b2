"""The projected outcome follows docs/dspt-rules.md §3."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from assessments.models import AnswerType, Approval, Level
from assessments.outcome import OutcomeLevel, assessment_outcome
from tests.assessments.factories import answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

ITEMS = [
    {"ref": "1.1.1", "level": Level.APPROACHING},
    {"ref": "1.1.2", "level": Level.APPROACHING, "answer_type": AnswerType.CONFIRMATION},
    {"ref": "3.2.1", "level": Level.MET, "answer_type": AnswerType.DOCUMENT},
    {"ref": "5.1.1", "level": Level.MET, "na_allowed": True},
    {"ref": "9.2.1", "level": Level.OPTIONAL},
]


@pytest.fixture
def assessment(organisation):
    return assessment_for(organisation, catalogue_with(ITEMS))


def responses(assessment):
    return {r.item.ref: r for r in assessment.responses.select_related("item")}


def test_nothing_answered_is_not_yet_and_lists_every_approaching_item(assessment):
    with scope(organisation=assessment.organisation):
        outcome = assessment_outcome(assessment)
        assert outcome.level == OutcomeLevel.NOT_YET
        assert [r.item.ref for r in outcome.blockers_for_next] == ["1.1.1", "1.1.2"]
        assert outcome.headline == "Approaching Standards needs 2 more items"
        assert (outcome.answered_mandatory, outcome.total_mandatory) == (0, 4)
        assert not outcome.can_submit


def test_all_approaching_items_answered_gives_approaching_standards(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        answer(r["1.1.1"])
        answer(r["1.1.2"])
        outcome = assessment_outcome(assessment)
        assert outcome.level == OutcomeLevel.APPROACHING
        assert [b.item.ref for b in outcome.blockers_for_next] == ["3.2.1", "5.1.1"]
        assert outcome.headline == "Standards Met needs 2 more items"
        assert outcome.improvement_plan_needed
        assert outcome.can_submit
        assert outcome.percent_mandatory_done == 50


def test_a_confirmation_ticked_no_does_not_count(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        answer(r["1.1.1"])
        answer(r["1.1.2"], answer_confirmed=False)
        assert assessment_outcome(assessment).level == OutcomeLevel.NOT_YET


def test_workflow_status_done_does_not_count_as_answered(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        answer(r["1.1.1"])
        answer(r["1.1.2"], status="done")
        assert assessment_outcome(assessment).level == OutcomeLevel.NOT_YET


def test_all_mandatory_answered_gives_standards_met_and_optional_items_do_not_matter(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        for ref in ("1.1.1", "1.1.2", "3.2.1"):
            answer(r[ref])
        answer(r["5.1.1"], not_applicable=True, na_reason="No breaches or near misses this year.")
        outcome = assessment_outcome(assessment)
        assert outcome.level == OutcomeLevel.MET
        assert outcome.blockers_for_next == []
        assert outcome.needs_cyber_essentials_plus
        assert "Cyber Essentials Plus" in outcome.headline


def test_not_applicable_without_a_reason_does_not_count(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        for ref in ("1.1.1", "1.1.2", "3.2.1"):
            answer(r[ref])
        answer(r["5.1.1"], not_applicable=True, na_reason="  ")
        assert assessment_outcome(assessment).level == OutcomeLevel.APPROACHING


def test_not_applicable_on_an_item_that_does_not_allow_it_does_not_count(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        answer(r["1.1.1"], not_applicable=True, na_reason="We think not")
        answer(r["1.1.2"])
        assert assessment_outcome(assessment).level == OutcomeLevel.NOT_YET


def test_document_item_counts_with_a_linked_document_and_no_location(assessment):
    with scope(organisation=assessment.organisation):
        from assessments.models import DocumentLink
        from evidence.models import Document

        r = responses(assessment)
        for ref in ("1.1.1", "1.1.2"):
            answer(r[ref])
        answer(r["5.1.1"])
        doc = Document.objects.create(organisation=assessment.organisation, title="Training log")
        DocumentLink.objects.create(
            organisation=assessment.organisation, document=doc, response=r["3.2.1"]
        )
        assert assessment_outcome(assessment).level == OutcomeLevel.MET


def _answer_all_mandatory(assessment):
    for r in assessment.responses.select_related("item"):
        if r.item.is_mandatory:
            answer(r)


def test_cyber_essentials_plus_current_gives_standards_exceeded(assessment):
    with scope(organisation=assessment.organisation):
        _answer_all_mandatory(assessment)
        org = assessment.organisation
        org.cyber_essentials_plus_expires_on = timezone.localdate() + dt.timedelta(days=90)
        org.save()
        outcome = assessment_outcome(assessment)
        assert outcome.level == OutcomeLevel.EXCEEDED
        assert outcome.next_level is None


def test_expired_cyber_essentials_plus_stays_at_standards_met(assessment):
    with scope(organisation=assessment.organisation):
        _answer_all_mandatory(assessment)
        org = assessment.organisation
        org.cyber_essentials_plus_expires_on = timezone.localdate() - dt.timedelta(days=1)
        org.save()
        assert assessment_outcome(assessment).level == OutcomeLevel.MET


def test_cyber_essentials_plus_without_standards_met_is_not_exceeded(assessment):
    with scope(organisation=assessment.organisation):
        org = assessment.organisation
        org.cyber_essentials_plus_expires_on = timezone.localdate() + dt.timedelta(days=90)
        org.save()
        assert assessment_outcome(assessment).level == OutcomeLevel.NOT_YET


def test_approaching_standards_cannot_be_submitted_again_after_a_publication(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        answer(r["1.1.1"])
        answer(r["1.1.2"])
        Approval.objects.create(
            organisation=assessment.organisation,
            assessment=assessment,
            revision=1,
            outcome_level=OutcomeLevel.APPROACHING,
            approved_at=timezone.now(),
            published_on=dt.date(2026, 5, 1),
            published_outcome="approaching_standards",
        )
        outcome = assessment_outcome(assessment)
        assert outcome.level == OutcomeLevel.APPROACHING
        assert outcome.must_reach_met
        assert not outcome.can_submit


def test_a_publication_before_the_portal_counts_too(assessment):
    with scope(organisation=assessment.organisation):
        r = responses(assessment)
        answer(r["1.1.1"])
        answer(r["1.1.2"])
        assessment.previously_published = True
        assert not assessment_outcome(assessment).can_submit


def test_progress_is_reported_per_standard_and_per_category(assessment):
    with scope(organisation=assessment.organisation):
        answer(responses(assessment)["1.1.1"])
        outcome = assessment_outcome(assessment)
        first = outcome.by_standard[0]
        assert (first.key, first.answered, first.total, first.percent) == ("1", 1, 2, 50)
        policies = {p.key: p for p in outcome.by_category}["policies"]
        assert (policies.answered, policies.total) == (1, 5)
