"""Stored outcome summaries (the portfolio, the platform overview): reused while nothing
changed, computed again the moment anything the outcome reads changes, and always the
same figures as computing every home's outcome afresh.

"Nothing changed" is known from one row per home (the assessment, its organisation and its
`OutcomeInputs` stamp), never by reading the homes' answers: every writer gives the stamp a
new value in its own transaction. Each test below makes one kind of change through the
code a user's change goes through, and checks that exactly that home is worked out again
and that its figures are the fresh ones (which differ from before, so the test can fail).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from assessments import summaries
from assessments.models import AnswerType, Approval, DocumentLink, Level, OutcomeInputs, Response
from assessments.outcome import outcomes_for
from assessments.services import (
    document_link,
    document_unlink,
    response_update,
)
from assessments.summaries import figures_of, inputs_changed, summaries_for
from evidence import services as evidence_services
from registers import services as register_services
from registers.models import Breach
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.evidence.factories import DocumentFactory, StaffMemberFactory, TrainingRecordFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)
ITEMS = [
    {"ref": "1.1.1", "level": Level.APPROACHING, "answer_type": AnswerType.CONFIRMATION},
    {"ref": "1.1.3", "level": Level.APPROACHING, "answer_type": AnswerType.TEXT},
    {"ref": "2.1.1", "level": Level.MET, "answer_type": AnswerType.DOCUMENT},
    {"ref": "3.1.1", "level": Level.MET, "answer_type": AnswerType.DATE, "valid_months": 12},
    {"ref": "3.2.1", "level": Level.MET, "answer_type": AnswerType.CONFIRMATION},
    {
        "ref": "6.1.2",
        "level": Level.MET,
        "answer_type": AnswerType.CONFIRMATION,
        "na_allowed": True,
    },
]


@pytest.fixture
def homes():
    catalogue = catalogue_with(ITEMS)
    with scopes_disabled():
        made = [assessment_for(OrganisationFactory(), catalogue) for _ in range(3)]
        for a in made[:2]:
            for r in a.responses.select_related("item"):
                if r.item.ref != "2.1.1":
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


def _response(org, ref):
    with scopes_disabled():
        return Response.objects.select_related("item", "assessment").get(
            organisation=org, item__ref=ref
        )


def _counted(stored, org) -> int:
    return stored[org.pk]["answered_mandatory"]


def test_a_second_look_reads_one_row_per_home(homes, monkeypatch, django_assert_max_num_queries):
    assert _stored(homes) == _afresh(homes)
    computed = _spy(monkeypatch)
    with django_assert_max_num_queries(2) as few:  # the latest assessments with stamps, summaries
        again = _stored(homes)
    assert again == _afresh(homes)
    assert computed == []
    # Nothing in those queries reads answers, links, documents or the registers.
    read = " ".join(q["sql"] for q in few.captured_queries)
    for table in ("assessments_response", "assessments_documentlink", "evidence_", "registers_"):
        assert table not in read


def test_the_second_look_does_not_grow_with_the_homes(django_assert_max_num_queries):
    catalogue = catalogue_with(ITEMS)
    with scopes_disabled():
        many = [assessment_for(OrganisationFactory(), catalogue).organisation for _ in range(10)]
    few = many[:2]
    _stored(few), _stored(many)
    with CaptureQueriesContext(connection) as two:
        _stored(few)
    with django_assert_max_num_queries(len(two.captured_queries)):
        _stored(many)


def _changed_only(homes, monkeypatch, org, change, today=TODAY):
    """Make `change`, then check that only `org` is worked out again, with fresh figures
    that differ from the ones stored before."""
    before = _stored(homes, today)
    computed = _spy(monkeypatch)
    with scopes_disabled():
        change()
    after = _stored(homes, today)
    assert computed == [org.pk]
    assert after == _afresh(homes, today)
    monkeypatch.undo()
    return before[org.pk], after[org.pk]


def test_an_answer_saved_is_picked_up_at_once(homes, monkeypatch):
    third = homes[2]
    r = _response(third, "1.1.1")
    before, after = _changed_only(
        homes,
        monkeypatch,
        third,
        lambda: response_update(response=r, data={"answer_confirmed": True}, by=None),
    )
    assert after["answered_mandatory"] == before["answered_mandatory"] + 1


def test_an_item_marked_not_applicable_is_picked_up(homes, monkeypatch):
    third = homes[2]
    r = _response(third, "6.1.2")
    before, after = _changed_only(
        homes,
        monkeypatch,
        third,
        lambda: response_update(
            response=r, data={"not_applicable": True, "na_reason": "No breaches ever"}, by=None
        ),
    )
    assert after["answered_mandatory"] == before["answered_mandatory"] + 1


def test_a_document_linked_and_unlinked_is_picked_up(homes, monkeypatch):
    third = homes[2]
    r = _response(third, "2.1.1")
    with scopes_disabled():
        doc = DocumentFactory(organisation=third)
    before, after = _changed_only(
        homes, monkeypatch, third, lambda: document_link(document=doc, response=r, by=None)
    )
    assert after["answered_mandatory"] == before["answered_mandatory"] + 1
    before, after = _changed_only(
        homes, monkeypatch, third, lambda: document_unlink(document=doc, response=r, by=None)
    )
    assert after["answered_mandatory"] == before["answered_mandatory"] - 1


def test_a_linked_document_overdue_for_review_is_picked_up(homes, monkeypatch):
    first = homes[0]
    r = _response(first, "2.1.1")
    with scopes_disabled():
        doc = DocumentFactory(organisation=first, next_review_due=TODAY + dt.timedelta(days=90))
        DocumentLink.objects.create(organisation=first, document=doc, response=r)

    def overdue():
        doc.next_review_due = TODAY - dt.timedelta(days=1)
        doc.save()

    before, after = _changed_only(homes, monkeypatch, first, overdue)
    assert after["answered_mandatory"] == before["answered_mandatory"] - 1


def test_a_review_date_passing_overnight_is_picked_up(homes, monkeypatch):
    """Nothing is written: the day changes, and every summary is worked out again."""
    first = homes[0]
    with scopes_disabled():
        doc = DocumentFactory(organisation=first, next_review_due=TODAY + dt.timedelta(days=1))
        r = _response(first, "2.1.1")
        DocumentLink.objects.create(organisation=first, document=doc, response=r)
    before = _stored(homes)
    computed = _spy(monkeypatch)
    assert _stored(homes) == before and computed == []
    later = TODAY + dt.timedelta(days=2)
    after = _stored(homes, today=later)
    assert sorted(computed) == sorted(o.pk for o in homes)
    assert after == _afresh(homes, today=later)
    assert _counted(after, first) == _counted(before, first) - 1


def test_a_document_archived_gives_a_new_stamp(homes, monkeypatch):
    first = homes[0]
    with scopes_disabled():
        doc = DocumentFactory(organisation=first)
    _stored(homes)
    computed = _spy(monkeypatch)
    with scopes_disabled():
        evidence_services.document_archive(document=doc, by=None)
    assert _stored(homes) == _afresh(homes)
    assert computed == [first.pk]


def test_the_training_register_is_picked_up(homes, monkeypatch):
    """3.2.1 ticked counts only while 95% of the people on the register are trained."""
    first = homes[0]
    manager = UserFactory()
    people = []

    def untrained_person():
        people.append(StaffMemberFactory(organisation=first))

    before, after = _changed_only(homes, monkeypatch, first, untrained_person)
    assert after["answered_mandatory"] == before["answered_mandatory"] - 1

    def trained():
        evidence_services.training_record_add(
            record=TrainingRecordFactory.build(
                staff_member=people[0], completed_on=dt.date(2025, 9, 1)
            ),
            by=manager,
        )

    before, after = _changed_only(homes, monkeypatch, first, trained)
    assert after["answered_mandatory"] == before["answered_mandatory"] + 1

    def record_deleted():
        evidence_services.training_record_delete(
            record=people[0].training_records.get(), by=manager
        )

    before, after = _changed_only(homes, monkeypatch, first, record_deleted)
    assert after["answered_mandatory"] == before["answered_mandatory"] - 1


def test_a_register_entry_is_picked_up(homes, monkeypatch):
    """6.1.2 needs every breach of the last 12 months signed off by management."""
    second = homes[1]
    found = dt.datetime(2026, 2, 1, 10, 0, tzinfo=dt.UTC)

    def breach():
        register_services.breach_save(
            breach=Breach(organisation=second, title="Letter to wrong family", discovered_at=found),
            before=None,
            by=None,
        )

    before, after = _changed_only(homes, monkeypatch, second, breach)
    assert after["answered_mandatory"] == before["answered_mandatory"] - 1

    def deleted():
        register_services.entry_delete(entry=Breach.objects.get(organisation=second), by=None)

    before, after = _changed_only(homes, monkeypatch, second, deleted)
    assert after["answered_mandatory"] == before["answered_mandatory"] + 1


def test_the_organisation_and_assessment_rows_are_read_as_they_are(homes, monkeypatch):
    first = homes[0]

    def certificate():
        first.cyber_essentials_plus_expires_on = dt.date(2027, 1, 1)
        first.save()

    # With every mandatory item counted, the certificate makes it Standards Exceeded.
    with scopes_disabled():
        r = _response(first, "2.1.1")
        answer(r)
    before, after = _changed_only(homes, monkeypatch, first, certificate)
    assert (before["level"], after["level"]) == ("standards_met", "standards_exceeded")

    def deadline_moved():
        a = r.assessment
        a.deadline = dt.date(2027, 6, 30)  # after the certificate expires: Exceeded lapses
        a.save()

    before, after = _changed_only(homes, monkeypatch, first, deadline_moved)
    assert after["label"] == "Standards Met — Exceeded lapses on 1 January 2027"


def test_a_publication_gives_a_new_stamp(homes, monkeypatch):
    first = homes[0]
    with scopes_disabled():
        stamp = OutcomeInputs.objects.get(organisation=first).stamp
        Approval.objects.create(
            organisation=first,
            assessment=_response(first, "1.1.1").assessment,
            revision=1,
            outcome_level="standards_met",
            approved_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
            published_on=dt.date(2026, 2, 2),
        )
        assert OutcomeInputs.objects.get(organisation=first).stamp != stamp


def test_a_change_made_while_a_summary_is_worked_out_is_never_kept(homes, monkeypatch):
    """Between reading the stamps and storing the figures, someone saves an answer: the
    figures stored may miss it, but they are stored with the old stamp, so the next look
    works the home out again."""
    third = homes[2]
    r = _response(third, "1.1.1")
    real = summaries.outcomes_for

    def racing(organisations, **kwargs):
        found = real(organisations, **kwargs)  # read the answers first...
        answer(r)  # ...then the save commits, before the figures are stored
        return found

    monkeypatch.setattr(summaries, "outcomes_for", racing)
    with scopes_disabled():
        stale = summaries_for(homes, today=TODAY)
    monkeypatch.undo()
    computed = _spy(monkeypatch)
    fresh = _stored(homes)
    assert computed == [third.pk]
    assert fresh == _afresh(homes)
    assert fresh[third.pk]["answered_mandatory"] == stale[third.pk][1].answered_mandatory + 1


def test_a_bulk_writer_calls_inputs_changed(homes, monkeypatch):
    """`QuerySet.update` sends no signal: a writer that uses one says so itself."""
    second = homes[1]
    _stored(homes)
    computed = _spy(monkeypatch)
    with scopes_disabled():
        Response.objects.filter(organisation=second, item__ref="1.1.1").update(
            answer_confirmed=False
        )
        inputs_changed(second.pk)
    assert _stored(homes) == _afresh(homes)
    assert computed == [second.pk]


def test_an_organisation_erased_leaves_no_stamp(homes):
    first = homes[0]
    _stored(homes)
    with scopes_disabled():
        first.delete()
        assert not OutcomeInputs.objects.filter(organisation_id=first.pk).exists()
