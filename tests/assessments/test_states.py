"""The assessment's one table of moves (assessments/states.py): every move refused from
every state it is not allowed from, with a message and nothing changed; the senior
accountable person rule in one place; a second click at once gets the message."""

import os
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments import services
from assessments.models import Approval, Assessment, AssessmentStatus
from assessments.states import REFUSALS, TRANSITIONS, Move, refusal
from organisations.models import ActivityLog, Role
from tests.assessments.factories import SIGNED, answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

S = AssessmentStatus


@pytest.fixture
def people(organisation, member):
    editor = member(Role.EDITOR, full_name="Priya Shah")
    sap = member(Role.VIEWER, full_name="Margaret Ellis")
    organisation.senior_accountable_person = sap
    organisation.save()
    return editor, sap


def _in_state(organisation, status: str, editor, sap) -> Assessment:
    """An answered assessment in `status`, with the approval an approved one has."""
    assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    answer(assessment.responses.select_related("item").get())
    assessment.status = status
    if status != S.DRAFT:
        assessment.submitted_by, assessment.submitted_at = editor, timezone.now()
    assessment.save()
    if status in (S.APPROVED, S.PUBLISHED):
        Approval.objects.create(
            organisation=organisation,
            assessment=assessment,
            revision=assessment.revision,
            snapshot={},
            outcome_level="standards_met",
            approved_by=sap,
            approved_at=timezone.now(),
        )
    return Assessment.objects.select_related("organisation").get(pk=assessment.pk)


def _take(move: str, assessment, editor, sap):
    """Make `move` through its service, as the person who would make it."""
    calls = {
        Move.SUBMIT: lambda: services.assessment_submit(assessment=assessment, by=editor),
        Move.APPROVE: lambda: services.assessment_approve(assessment=assessment, by=sap, **SIGNED),
        Move.RETURN: lambda: services.assessment_return(
            assessment=assessment, by=sap, comment="Check 1.1.1"
        ),
        Move.NEW_REVISION: lambda: services.assessment_new_revision(
            assessment=assessment, by=editor
        ),
        Move.PUBLISH: lambda: services.publication_record(
            assessment=assessment,
            published_on=timezone.localdate(),
            outcome="standards_met",
            by=editor,
        ),
    }
    return calls[move]()


def test_every_move_from_every_state_is_either_allowed_or_has_a_reason():
    for move in Move.values:
        for status in S.values:
            allowed = status in TRANSITIONS[move].sources
            assert allowed != ((move, status) in REFUSALS), (move, status)


REFUSED = [(m, s) for m in Move.values for s in S.values if s not in TRANSITIONS[m].sources]


@pytest.mark.parametrize(("move", "status"), REFUSED, ids=[f"{m}-from-{s}" for m, s in REFUSED])
def test_a_move_not_allowed_from_a_state_is_refused_with_a_message_and_changes_nothing(
    organisation, people, move, status
):
    editor, sap = people
    with scopes_disabled():
        assessment = _in_state(organisation, status, editor, sap)
        logged = ActivityLog.objects.count()
        with pytest.raises(ValidationError) as refused:
            _take(move, assessment, editor, sap)
        message = " ".join(refused.value.messages)
        assert message.startswith(("This assessment", "Record the publication", "Revision"))
        assert message.endswith(".")
        stored = Assessment.objects.get(pk=assessment.pk)
        assert stored.status == status
        assert stored.revision == 1
        assert ActivityLog.objects.count() == logged
        assert Approval.objects.filter(assessment=stored).count() == (
            1 if status in (S.APPROVED, S.PUBLISHED) else 0
        )


ALLOWED = [(m, s) for m in Move.values for s in S.values if s in TRANSITIONS[m].sources]


@pytest.mark.parametrize(("move", "status"), ALLOWED, ids=[f"{m}-from-{s}" for m, s in ALLOWED])
def test_an_allowed_move_lands_in_the_state_the_table_says(organisation, people, move, status):
    editor, sap = people
    with scopes_disabled():
        assessment = _in_state(organisation, status, editor, sap)
        if move == Move.APPROVE:  # approving needs a fresh revision with no approval yet
            Approval.objects.filter(assessment=assessment).delete()
        _take(move, assessment, editor, sap)
        assert Assessment.objects.get(pk=assessment.pk).status == TRANSITIONS[move].target


@pytest.mark.parametrize("move", [Move.APPROVE, Move.RETURN])
@pytest.mark.parametrize("status", S.values)
def test_only_the_senior_accountable_person_may_approve_or_return_in_any_state(
    organisation, people, move, status
):
    editor, sap = people
    with scopes_disabled():
        assessment = _in_state(organisation, status, editor, sap)
        with pytest.raises(PermissionDenied, match="senior accountable person"):
            _take(move, assessment, editor, editor)  # the editor stands in for the approver
        assert Assessment.objects.get(pk=assessment.pk).status == status


def test_the_approval_page_and_the_service_ask_the_same_table(organisation, people):
    editor, sap = people
    with scopes_disabled():
        assessment = _in_state(organisation, S.AWAITING_APPROVAL, editor, sap)
    assert refusal(assessment, Move.APPROVE, sap) is None
    assert "senior accountable person" in refusal(assessment, Move.APPROVE, editor)
    assert "already sent for approval by Priya Shah" in refusal(assessment, Move.SUBMIT, editor)


def test_a_second_new_revision_click_says_it_was_started_and_changes_nothing(
    client, organisation, people
):
    editor, sap = people
    with scopes_disabled():
        assessment = _in_state(organisation, S.APPROVED, editor, sap)
    client.force_login(editor)
    url = reverse("assessments:new_revision", args=[organisation.slug])
    assert client.post(url).status_code == 302
    second = client.post(url, follow=True)
    assert second.status_code == 200
    assert "Revision 2 has already been started" in second.content.decode()
    with scopes_disabled():
        assert Assessment.objects.get(pk=assessment.pk).revision == 2
        assert ActivityLog.objects.filter(action="assessment.revision_started").count() == 1


def test_a_second_return_click_says_it_was_returned_not_a_form_error(client, organisation, people):
    editor, sap = people
    with scopes_disabled():
        _in_state(organisation, S.AWAITING_APPROVAL, editor, sap)
    client.force_login(sap)
    url = reverse("assessments:return", args=[organisation.slug])
    assert client.post(url, {"comment": "Check 1.1.1"}).status_code == 302
    second = client.post(url, {"comment": ""}, follow=True)
    assert "returned for changes by Margaret Ellis" in second.content.decode()


def test_someone_else_returning_gets_403_even_without_a_comment(client_as, organisation, people):
    editor, sap = people
    with scopes_disabled():
        _in_state(organisation, S.AWAITING_APPROVAL, editor, sap)
    response = client_as(Role.ADMIN).post(reverse("assessments:return", args=[organisation.slug]))
    assert response.status_code == 403


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks need PostgreSQL; SQLite runs one writer at a time anyway.",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("move", "status", "second"),
    [
        (Move.SUBMIT, S.DRAFT, "already sent for approval"),
        (Move.RETURN, S.AWAITING_APPROVAL, "returned for changes"),
        (Move.NEW_REVISION, S.APPROVED, "Revision 2 has already been started"),
    ],
)
def test_the_same_button_pressed_twice_at_once_moves_once(
    organisation, people, move, status, second
):
    editor, sap = people
    with scopes_disabled():
        pk = _in_state(organisation, status, editor, sap).pk
    barrier, results = threading.Barrier(2), []

    def press():
        try:
            with scopes_disabled():
                mine = Assessment.objects.select_related("organisation").get(pk=pk)
                barrier.wait()
                _take(move, mine, editor, sap)
            results.append("moved")
        except ValidationError as e:
            results.append(" ".join(e.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("moved") == 1, results
    assert any(second in r for r in results), results
    with scopes_disabled():
        stored = Assessment.objects.get(pk=pk)
        assert stored.status == TRANSITIONS[move].target
        assert stored.revision == (2 if move == Move.NEW_REVISION else 1)
