"""The outcome follows the time windows, the portal's own figures and the Cyber Essentials
Plus rule, at their boundary days (docs/dspt-rules.md)."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from assessments.models import AnswerType, DocumentLink, Level
from assessments.outcome import OutcomeLevel, assessment_outcome, outcomes_for
from assessments.verdict import dates_in
from evidence.models import Document, StaffMember, TrainingRecord
from tests.assessments.factories import answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 10)  # "today": the projected publication date
DEADLINE = dt.date(2026, 6, 30)
CONFIRM = AnswerType.CONFIRMATION
ITEMS = [
    {"ref": "1.1.1", "level": Level.APPROACHING},
    {"ref": "1.3.1", "level": Level.APPROACHING, "answer_type": CONFIRM, "valid_months": 36},
    {"ref": "3.2.1", "level": Level.MET, "answer_type": CONFIRM},
    {"ref": "7.3.4", "level": Level.MET, "valid_months": 12},
]


@pytest.fixture
def assessment(organisation):
    with scopes_disabled():
        a = assessment_for(organisation, catalogue_with(ITEMS))
        r = _responses(a)
        answer(r["1.1.1"], answer_text="ZA123456, renewed 2 April 2025.")
        answer(r["1.3.1"], answer_confirmed=True, answer_date=dt.date(2025, 5, 1))
        answer(r["3.2.1"], answer_confirmed=True)
        answer(r["7.3.4"], answer_text="Nightly cloud backup, test restore on 3 January 2026.")
    return a


def _responses(assessment):
    return {r.item.ref: r for r in assessment.responses.select_related("item")}


def _outcome(assessment, on=ON):
    with scopes_disabled():
        return assessment_outcome(assessment, today=on)


def _held(outcome) -> dict:
    return {h.response.item.ref: " ".join(h.reasons) for h in outcome.held_back}


def test_a_fully_dated_assessment_is_standards_met(assessment):
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.MET and outcome.held_back == []


# ---------------------------------------------------------------- 12-month and 3-year windows


@pytest.mark.parametrize(
    ("done", "counts"),
    [(dt.date(2025, 3, 10), True), (dt.date(2025, 3, 9), False)],
    ids=["exactly-12-months-before-counts", "12-months-and-a-day-before-does-not"],
)
def test_the_12_month_window_ends_on_the_same_day_a_year_before_publication(
    assessment, done, counts
):
    with scopes_disabled():
        answer(_responses(assessment)["7.3.4"], answer_date=done)
    outcome = _outcome(assessment)
    assert (outcome.level == OutcomeLevel.MET) is counts
    if not counts:
        assert "more than 12 months before publication (10 March 2026)" in _held(outcome)["7.3.4"]
        assert [r.item.ref for r in outcome.blockers_for_next] == ["7.3.4"]


@pytest.mark.parametrize(
    ("done", "counts"),
    [(dt.date(2023, 3, 10), True), (dt.date(2023, 3, 9), False)],
    ids=["exactly-3-years-before-counts", "3-years-and-a-day-before-does-not"],
)
def test_policies_count_for_3_years(assessment, done, counts):
    with scopes_disabled():
        answer(_responses(assessment)["1.3.1"], answer_date=done)
    outcome = _outcome(assessment)
    assert outcome.at_least_approaching is counts
    if not counts:
        assert "more than 3 years before publication" in _held(outcome)["1.3.1"]


def test_a_date_written_in_the_answer_counts_and_an_old_one_is_caught(assessment):
    with scopes_disabled():
        answer(_responses(assessment)["7.3.4"], answer_text="Backups tested in 2023.")
    held = _held(_outcome(assessment))
    assert "Last done 31 December 2023" in held["7.3.4"]
    with scopes_disabled():
        answer(_responses(assessment)["7.3.4"], answer_text="Restore test, March 2019.")
    assert "Last done 31 March 2019" in _held(_outcome(assessment))["7.3.4"]


def test_an_item_with_a_window_and_no_date_does_not_count(assessment):
    with scopes_disabled():
        answer(_responses(assessment)["7.3.4"], answer_text="We back up every night.")
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.APPROACHING
    assert "No date given" in _held(outcome)["7.3.4"]


def test_evidence_that_goes_out_of_date_before_the_deadline_says_so_with_the_day(assessment):
    with scopes_disabled():
        answer(_responses(assessment)["7.3.4"], answer_date=dt.date(2025, 5, 20))
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.MET  # still counts today
    (lapse,) = outcome.lapsing
    assert lapse.response.item.ref == "7.3.4"
    assert lapse.out_of_date_from == dt.date(2026, 5, 21)
    assert "out of date from 21 May 2026, before the 30 June 2026 deadline" in lapse.reasons[0]


def test_na_items_and_items_without_a_window_are_not_dated(assessment):
    with scopes_disabled():
        answer(_responses(assessment)["1.1.1"], answer_text="ZA123456")
    assert _outcome(assessment).level == OutcomeLevel.MET


# ---------------------------------------------------------------- the training register


def _register(organisation, trained: int, untrained: int, *, on=ON):
    with scopes_disabled():
        for i in range(trained + untrained):
            person = StaffMember.objects.create(organisation=organisation, name=f"Person {i:02d}")
            if i < trained:
                TrainingRecord.objects.create(
                    organisation=organisation,
                    staff_member=person,
                    completed_on=on - dt.timedelta(days=10),
                )


def test_95_0_percent_trained_on_the_register_counts(assessment):
    _register(assessment.organisation, trained=19, untrained=1)
    assert _outcome(assessment).level == OutcomeLevel.MET


def test_94_9_percent_trained_does_not_count_whatever_the_tick_says(assessment):
    _register(assessment.organisation, trained=56, untrained=3)  # 94.9%
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.APPROACHING
    reason = _held(outcome)["3.2.1"]
    assert "94.9% of 59 people" in reason and "at least 95% needed" in reason
    assert "Not trained: Person 56, Person 57, Person 58." in reason


def test_training_done_12_months_and_a_day_before_publication_does_not_count(assessment):
    _register(assessment.organisation, trained=0, untrained=0)
    with scopes_disabled():
        person = StaffMember.objects.create(organisation=assessment.organisation, name="Ann Lee")
        TrainingRecord.objects.create(
            organisation=assessment.organisation,
            staff_member=person,
            completed_on=dt.date(2025, 3, 9),
        )
    assert "Not trained: Ann Lee." in _held(_outcome(assessment))["3.2.1"]
    with scopes_disabled():
        TrainingRecord.objects.create(
            organisation=assessment.organisation,
            staff_member=person,
            completed_on=dt.date(2025, 3, 10),
        )
    assert _outcome(assessment).level == OutcomeLevel.MET


def test_register_dropping_below_95_before_the_deadline_says_when(assessment):
    _register(assessment.organisation, trained=20, untrained=0, on=dt.date(2025, 5, 1))
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.MET
    (lapse,) = outcome.lapsing
    assert lapse.out_of_date_from == dt.date(2026, 4, 22)  # trained 21 April 2025
    assert "drops below 95% on 22 April 2026" in lapse.reasons[0]


def test_without_a_register_a_typed_percentage_below_95_does_not_count(assessment):
    with scopes_disabled():
        answer(_responses(assessment)["3.2.1"], answer_confirmed=True, answer_number=89.4)
    assert "89.4% trained is below" in _held(_outcome(assessment))["3.2.1"]


# ---------------------------------------------------------------- documents it relies on


def test_a_linked_document_overdue_for_review_holds_the_item_back(assessment):
    with scopes_disabled():
        org = assessment.organisation
        doc = Document.objects.create(
            organisation=org, title="Backup procedure", next_review_due=ON
        )
        DocumentLink.objects.create(
            organisation=org, document=doc, response=_responses(assessment)["7.3.4"]
        )
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.MET  # due today: still current
    assert "'Backup procedure' is due for review on 10 March 2026" in " ".join(
        outcome.lapsing[0].reasons
    )
    outcome = _outcome(assessment, on=ON + dt.timedelta(days=1))
    assert outcome.level == OutcomeLevel.APPROACHING
    assert "'Backup procedure' was due for review on 10 March 2026" in _held(outcome)["7.3.4"]


# ---------------------------------------------------------------- Cyber Essentials Plus


def _certificate(assessment, expires):
    assessment.organisation.cyber_essentials_plus_expires_on = expires
    assessment.organisation.save()


def test_a_certificate_lapsing_the_day_before_publication_gives_standards_met(assessment):
    _certificate(assessment, ON - dt.timedelta(days=1))
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.MET and outcome.label == "Standards Met"
    assert outcome.needs_cyber_essentials_plus


def test_a_certificate_valid_through_the_deadline_gives_standards_exceeded(assessment):
    _certificate(assessment, DEADLINE)
    assert _outcome(assessment).level == OutcomeLevel.EXCEEDED


def test_a_certificate_lapsing_before_the_deadline_says_when_exceeded_lapses(assessment):
    _certificate(assessment, DEADLINE - dt.timedelta(days=1))
    outcome = _outcome(assessment)
    assert outcome.level == OutcomeLevel.MET
    assert outcome.label == "Standards Met — Exceeded lapses on 29 June 2026"
    assert "lapses on 29 June 2026" in outcome.headline


def test_on_publication_day_a_certificate_valid_that_day_still_counts(assessment):
    _certificate(assessment, DEADLINE)
    assert _outcome(assessment, on=DEADLINE).level == OutcomeLevel.EXCEEDED
    _certificate(assessment, DEADLINE - dt.timedelta(days=1))
    assert _outcome(assessment, on=DEADLINE).level == OutcomeLevel.MET


# ---------------------------------------------------------------- one function


def test_one_home_and_many_homes_give_the_same_outcome_on_the_same_day(assessment):
    _register(assessment.organisation, trained=56, untrained=3)
    _certificate(assessment, DEADLINE)
    with scopes_disabled():
        answer(_responses(assessment)["7.3.4"], answer_date=dt.date(2025, 5, 20))
    single = _outcome(assessment)
    with scopes_disabled():
        _, many = outcomes_for([assessment.organisation], today=ON)[assessment.organisation_id]
    for outcome in (single, many):
        assert outcome.level == OutcomeLevel.APPROACHING
    assert single.label == many.label and single.headline == many.headline
    assert _held(single) == _held(many)
    assert [lapse.out_of_date_from for lapse in single.lapsing] == [
        lapse.out_of_date_from for lapse in many.lapsing
    ]
    assert single.coverage_text == many.coverage_text


def test_dates_are_read_from_plain_english():
    assert dates_in("reviewed 12/03/2026 and 3rd April 2025") == [
        dt.date(2026, 3, 12),
        dt.date(2025, 4, 3),
    ]
    assert dates_in("Sept 2025, then 2026-01-05") == [dt.date(2026, 1, 5), dt.date(2025, 9, 30)]
    assert dates_in("version 3, 40 of 42 people") == []


# ---------------------------------------------------------------- the warning and the outcome agree


def _warning_codes(assessment, ref, on=ON):
    from assessments.checks import assessment_warnings

    with scopes_disabled():
        responses = list(
            assessment.responses.select_related("item").prefetch_related("document_links__document")
        )
        found = assessment_warnings(assessment, responses, today=on)
    r = next(r for r in responses if r.item.ref == ref)
    return {w.code: w for w in found.get(r.pk, [])}


def test_3_2_1_warning_counts_training_on_the_same_day_as_the_outcome(assessment):
    # Trained 1 May 2025: inside the 12 months before today (10 March 2026), outside the
    # 12 months before the deadline. Both count it on the publication date: today.
    _register(assessment.organisation, trained=20, untrained=0, on=dt.date(2025, 5, 11))
    outcome = _outcome(assessment)
    warnings = _warning_codes(assessment, "3.2.1")
    assert outcome.level == OutcomeLevel.MET
    assert "training_below_target" not in warnings
    assert "training_expiring" in warnings  # lapses before the deadline, as the outcome says
    assert [lapse.response.item.ref for lapse in outcome.lapsing] == ["3.2.1"]


def test_3_2_1_warning_and_outcome_both_hold_back_a_register_below_95(assessment):
    _register(assessment.organisation, trained=56, untrained=3)
    warnings = _warning_codes(assessment, "3.2.1")
    assert "94.9% trained in the 12 months before 10 March 2026" in (
        warnings["training_below_target"].title
    )
    assert "3.2.1" in _held(_outcome(assessment))
