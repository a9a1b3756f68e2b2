"""Every answer-quality check: one case that fires, one that does not."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from assessments import checks
from assessments.checks import assessment_warnings
from assessments.models import AnswerType, DocumentLink, Level
from evidence.models import Document
from tests.assessments.factories import answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)

ITEMS = [
    {"ref": "1.1.9", "summary": "ICO registration number"},
    {"ref": "1.1.2", "summary": "Privacy notice", "answer_type": AnswerType.DOCUMENT},
    {"ref": "1.3.2", "summary": "Yearly spot checks that staff follow policies"},
    {
        "ref": "3.2.1",
        "summary": "95% of staff trained",
        "answer_type": AnswerType.CONFIRMATION,
        "app_hint": "percentage",
        "level": Level.MET,
    },
    {"ref": "5.1.1", "summary": "Breach process reviewed", "na_allowed": True},
]


@pytest.fixture
def assessment(organisation):
    return assessment_for(organisation, catalogue_with(ITEMS))


def codes_for(assessment, ref):
    responses = list(
        assessment.responses.select_related("item").prefetch_related("document_links__document")
    )
    found = assessment_warnings(assessment, responses, today=TODAY)
    r = next(r for r in responses if r.item.ref == ref)
    return [w.code for w in found.get(r.pk, [])]


def r_(assessment, ref):
    return assessment.responses.select_related("item").get(item__ref=ref)


@pytest.mark.parametrize("text", ["Policy attached", "see policy", "As per the policy.", "on file"])
def test_vague_reference_fires_without_section_date_or_location(assessment, text):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "1.1.9"), answer_text=text)
        assert "vague_reference" in codes_for(assessment, "1.1.9")


@pytest.mark.parametrize(
    "text",
    [
        "Policy attached: Data Protection Policy v4, section 3",
        "See policy in the manager's office cabinet",
        "See policy reviewed March 2026",
        "ZA123456",
    ],
)
def test_vague_reference_is_quiet_when_the_answer_is_specific(assessment, text):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "1.1.9"), answer_text=text)
        assert "vague_reference" not in codes_for(assessment, "1.1.9")


def _link(assessment, ref, **doc):
    document = Document.objects.create(
        organisation=assessment.organisation, title="Privacy notice", **doc
    )
    DocumentLink.objects.create(
        organisation=assessment.organisation, document=document, response=r_(assessment, ref)
    )


def test_linked_document_past_its_review_date_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        _link(assessment, "1.1.2", next_review_due=TODAY - dt.timedelta(days=1))
        assert "document_overdue" in codes_for(assessment, "1.1.2")


def test_linked_document_due_before_the_deadline_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        _link(assessment, "1.1.2", next_review_due=dt.date(2026, 6, 1))
        assert codes_for(assessment, "1.1.2") == ["document_due"]


def test_linked_document_due_after_the_deadline_is_fine(assessment):
    with scope(organisation=assessment.organisation):
        _link(assessment, "1.1.2", next_review_due=dt.date(2026, 9, 1))
        assert codes_for(assessment, "1.1.2") == []


def test_the_same_narrative_copied_across_items_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        text = "We follow our data protection policy and train all staff every year carefully."
        answer(r_(assessment, "1.1.9"), narrative=text)
        answer(r_(assessment, "5.1.1"), narrative=text.upper())
        assert "copied_narrative" in codes_for(assessment, "1.1.9")
        answer(
            r_(assessment, "5.1.1"),
            narrative="Incident log checked on 2 June 2026: no breaches this year.",
        )
        assert "copied_narrative" not in codes_for(assessment, "1.1.9")


def test_document_item_with_no_document_and_no_location_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "1.1.2"), status="in_progress", answer_text="")
        assert "document_missing" in codes_for(assessment, "1.1.2")
        answer(
            r_(assessment, "1.1.2"),
            answer_text="Website footer and reception noticeboard (v2, 2026)",
        )
        assert "document_missing" not in codes_for(assessment, "1.1.2")


def test_untouched_document_item_is_not_flagged(assessment):
    with scope(organisation=assessment.organisation):
        assert codes_for(assessment, "1.1.2") == []


def test_not_applicable_without_a_reason_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "5.1.1"), not_applicable=True, na_reason="")
        assert "na_without_reason" in codes_for(assessment, "5.1.1")
        answer(
            r_(assessment, "5.1.1"),
            na_reason="No breaches or near misses (log checked 2 June 2026)",
        )
        assert "na_without_reason" not in codes_for(assessment, "5.1.1")


def test_carried_forward_answer_not_checked_is_flagged(assessment, organisation):
    with scope(organisation=assessment.organisation):
        last_year = assessment_for(
            organisation, catalogue_with(ITEMS, dspt_year=2025), dspt_year=2025
        )
        r = answer(r_(assessment, "1.1.9"), answer_text="ZA123456", review_needed=True)
        r.carried_from = last_year.responses.first()
        r.save()
        assert "carried_unchanged" in codes_for(assessment, "1.1.9")
        r.review_needed = False
        r.save()
        assert "carried_unchanged" not in codes_for(assessment, "1.1.9")


def test_an_item_about_something_done_needs_a_date(assessment):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "1.3.2"), answer_text="The manager does spot checks.")
        assert "undated" in codes_for(assessment, "1.3.2")
        answer(
            r_(assessment, "1.3.2"),
            answer_text="Spot check by the manager on 14/01/2026, actions in the log.",
        )
        assert "undated" not in codes_for(assessment, "1.3.2")


def test_an_item_not_about_something_done_needs_no_date(assessment):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "1.1.9"), answer_text="ZA123456")
        assert "undated" not in codes_for(assessment, "1.1.9")


def test_a_narrative_far_longer_than_needed_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "1.1.9"), answer_text="ZA123456", narrative="word " * 400)
        assert "too_long" in codes_for(assessment, "1.1.9")
        answer(r_(assessment, "1.1.9"), narrative="word " * 120)
        assert "too_long" not in codes_for(assessment, "1.1.9")


def _register(organisation, trained: list[str], completed_on: list[dt.date | None]):
    """Staff on the real training register: each name with their last training (or none)."""
    from tests.evidence.factories import StaffMemberFactory, TrainingRecordFactory

    for name, when in zip(trained, completed_on, strict=True):
        person = StaffMemberFactory(organisation=organisation, name=name)
        if when is not None:
            TrainingRecordFactory(staff_member=person, completed_on=when)


def _training_warnings(assessment):
    responses = list(assessment.responses.select_related("item").prefetch_related("document_links"))
    return assessment_warnings(assessment, responses, today=TODAY)[r_(assessment, "3.2.1").pk]


# Counted on the day, 1 March 2026 (the date the outcome uses): trained means completed on
# or after 1 March 2025.
IN_TIME = dt.date(2025, 9, 1)
TOO_OLD = dt.date(2025, 2, 28)  # more than 12 months before 1 March 2026
LAPSING = dt.date(2025, 6, 1)  # counts today, runs out on 1 June 2026, before the deadline


def test_training_below_95_percent_names_the_people(assessment):
    with scope(organisation=assessment.organisation):
        names = [f"Carer {n:02d}" for n in range(22)] + ["Ann Lee", "Bob Roy", "Cat Day"]
        _register(assessment.organisation, names, [IN_TIME] * 22 + [None, TOO_OLD, None])
        answer(r_(assessment, "3.2.1"), answer_confirmed=True)
        below = next(w for w in _training_warnings(assessment) if w.code == "training_below_target")
        assert "88.0% trained in the 12 months before 1 March 2026" in below.title
        assert "Ann Lee, Bob Roy, Cat Day" in below.fix


def test_training_at_95_percent_is_fine(assessment):
    with scope(organisation=assessment.organisation):
        names = [f"Carer {n:02d}" for n in range(19)] + ["Ann Lee"]
        _register(assessment.organisation, names, [IN_TIME] * 19 + [None])
        answer(r_(assessment, "3.2.1"), answer_confirmed=True, answer_number=Decimal("95"))
        assert "training_below_target" not in codes_for(assessment, "3.2.1")


def test_without_a_register_the_typed_percentage_is_checked(assessment):
    with scope(organisation=assessment.organisation):
        answer(r_(assessment, "3.2.1"), answer_confirmed=True, answer_number=Decimal("80"))
        assert "training_below_target" in codes_for(assessment, "3.2.1")
        answer(r_(assessment, "3.2.1"), answer_number=Decimal("96"))
        assert "training_below_target" not in codes_for(assessment, "3.2.1")


def test_training_that_runs_out_before_the_deadline_counts_today_and_is_flagged(assessment):
    with scope(organisation=assessment.organisation):
        names = [f"Carer {n:02d}" for n in range(9)] + ["Eve Moss"]
        _register(assessment.organisation, names, [IN_TIME] * 9 + [LAPSING])
        answer(r_(assessment, "3.2.1"), answer_confirmed=True)
        warnings = {w.code: w for w in _training_warnings(assessment)}
        assert "training_below_target" not in warnings  # 10 of 10 trained on 1 March 2026
        assert (
            "Refresh training for Eve Moss before the deadline."
            in warnings["training_expiring"].fix
        )


def test_training_summary_for_treats_a_missing_register_as_none(monkeypatch, organisation):
    import sys

    monkeypatch.setitem(sys.modules, "evidence.services", None)  # import fails
    assert checks.training_summary_for(organisation, TODAY) is None


def test_warnings_never_block_saving(client_as, assessment):
    from django.urls import reverse

    with scopes_disabled():
        r = r_(assessment, "1.1.9")
    client_as("editor").post(
        reverse("assessments:item", kwargs={"org": assessment.organisation.slug, "pk": r.pk}),
        {f"r{r.pk}-answer_text": "Policy attached", f"r{r.pk}-status": "in_progress"},
    )
    with scopes_disabled():
        r.refresh_from_db()
    assert r.answer_text == "Policy attached"
