"""The improvement plan: suggested actions, the Approaching Standards submission rule,
editing with validation and an audit trail."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments import plans, services
from assessments.models import ActionStatus, AssessmentStatus, ImprovementAction, Level
from organisations.models import ActivityLog, Role
from tests.assessments.factories import answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

ITEMS = [
    {"ref": "1.1.1", "summary": "ICO registration number", "level": Level.APPROACHING},
    {"ref": "3.2.1", "summary": "95% trained", "level": Level.MET},
    {"ref": "4.3.1", "summary": "IT admins signed an agreement", "level": Level.MET},
    {"ref": "9.2.1", "summary": "Penetration test", "level": Level.OPTIONAL},
]


@pytest.fixture
def at_approaching(organisation, member):
    """Approaching Standards reached (1.1.1 answered); 3.2.1 and 4.3.1 still unmet."""
    editor, sap = member(Role.EDITOR), member(Role.ADMIN)
    organisation.senior_accountable_person = sap
    organisation.ig_lead = editor
    organisation.save()
    assessment = assessment_for(organisation, catalogue_with(ITEMS))
    answer(assessment.responses.get(item__ref="1.1.1"))
    return assessment, editor


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_suggest_adds_one_action_per_unmet_mandatory_item_once(at_approaching):
    with scope(organisation=at_approaching[0].organisation):
        assessment, editor = at_approaching
        created = plans.actions_suggest(assessment=assessment, by=editor)
        assert sorted(a.title[:9] for a in created) == ["Meet 3.2.", "Meet 4.3."]
        action = created[0]
        assert action.owner == editor  # the IG lead when the item has no owner
        assert action.target_date == dt.date(2027, 2, 25)  # three months, before the deadline
        assert plans.actions_suggest(assessment=assessment, by=editor) == []
        assert ActivityLog.objects.filter(action="improvement_action.created").count() == 2


def test_approaching_standards_cannot_be_sent_for_approval_without_a_plan(at_approaching):
    with scope(organisation=at_approaching[0].organisation):
        assessment, editor = at_approaching
        with pytest.raises(ValidationError, match="improvement plan.*3.2.1, 4.3.1"):
            services.assessment_submit(assessment=assessment, by=editor)
        plans.actions_suggest(assessment=assessment, by=editor)
        services.assessment_submit(assessment=assessment, by=editor)
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.AWAITING_APPROVAL


def test_the_approval_page_says_a_plan_is_needed_before_the_user_tries(
    client_as, at_approaching, organisation
):
    client = client_as(Role.EDITOR)
    page = client.get(reverse("assessments:approval", args=[organisation.slug])).content.decode()
    assert "you need an <strong>improvement plan</strong>" in page
    assert "3.2.1, 4.3.1" in page
    assert "Send for approval" not in page


def test_a_done_action_no_longer_covers_its_item(at_approaching):
    with scope(organisation=at_approaching[0].organisation):
        assessment, editor = at_approaching
        for action in plans.actions_suggest(assessment=assessment, by=editor):
            action.status = ActionStatus.DONE
            action.save()
        responses = list(
            assessment.responses.select_related("item").prefetch_related("document_links")
        )
        assert [r.item.ref for r in plans.items_without_action(assessment, responses)] == [
            "3.2.1",
            "4.3.1",
        ]


def test_adding_an_action_through_the_page_links_items_and_is_recorded(
    client_as, at_approaching, organisation
):
    assessment, _ = at_approaching
    client = client_as(Role.EDITOR)
    with scopes_disabled():
        r = assessment.responses.get(item__ref="4.3.1")
    response = client.post(
        reverse("assessments:plan", args=[organisation.slug]),
        {
            "title": "Ask our IT supplier to sign the admin agreement",
            "responses": [r.pk],
            "owner": client.user.pk,
            "target_date": "2027-01-31",
            "status": "to_do",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        action = ImprovementAction.objects.get()
        assert list(action.responses.all()) == [r] and action.owner == client.user
    page = client.get(reverse("assessments:plan", args=[organisation.slug])).content.decode()
    assert "Ask our IT supplier" in page and "31 Jan 2027" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 301}, "title", "at most 300"),
        ({"target_date": "31/31/2027"}, "target_date", "valid date"),
        ({"completed_on": "2999-01-01", "status": "done"}, "completed_on", "future"),
        ({"completed_on": "2026-01-01", "status": "to_do"}, "status", "Mark it Done"),
        ({"owner": "99999"}, "owner", "valid choice"),
    ],
)
def test_bad_action_input_is_explained_at_the_field_and_nothing_saved(
    client_as, at_approaching, organisation, data, field, message
):
    client = client_as(Role.EDITOR)
    response = client.post(
        reverse("assessments:plan", args=[organisation.slug]),
        {"title": "Book training", "status": "to_do", **data},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    with scopes_disabled():
        assert not ImprovementAction.objects.exists()


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_marking_done_records_the_date_and_the_change(client_as, at_approaching, organisation):
    assessment, editor = at_approaching
    with scope(organisation=organisation):
        (action, _) = plans.actions_suggest(assessment=assessment, by=editor)
        pks = [r.pk for r in action.responses.all()]
    client = client_as(Role.EDITOR)
    client.post(
        reverse("assessments:action_edit", args=[organisation.slug, action.pk]),
        {
            "title": action.title,
            "status": "done",
            "completion_note": "Agreement signed, in the IT folder",
            "target_date": "2027-02-25",
            "responses": pks,
        },
    )
    with scopes_disabled():
        action.refresh_from_db()
        entry = ActivityLog.objects.filter(action="improvement_action.updated").get()
    assert action.status == ActionStatus.DONE and action.completed_on == dt.date(2026, 11, 27)
    assert entry.changes["status"] == ["to_do", "done"]


def test_overdue_actions_are_found_by_the_queryset(at_approaching):
    with scope(organisation=at_approaching[0].organisation):
        assessment, editor = at_approaching
        a, b = plans.actions_suggest(assessment=assessment, by=editor)
        ImprovementAction.objects.filter(pk=a.pk).update(target_date=dt.date(2026, 1, 1))
        ImprovementAction.objects.filter(pk=b.pk).update(
            target_date=dt.date(2026, 1, 1), status=ActionStatus.DONE
        )
        assert list(ImprovementAction.objects.overdue(on=dt.date(2026, 2, 1))) == [a]


def test_the_plan_lists_open_actions_first_and_finished_ones_last(
    client_as, at_approaching, organisation
):
    assessment, editor = at_approaching
    done = ImprovementAction.objects.create(
        organisation=organisation,
        assessment=assessment,
        title="Finished: new PC",
        status=ActionStatus.DONE,
        target_date=dt.date(2026, 1, 1),
    )
    later = ImprovementAction.objects.create(
        organisation=organisation,
        assessment=assessment,
        title="Later: pen test",
        target_date=dt.date(2027, 5, 1),
    )
    sooner = ImprovementAction.objects.create(
        organisation=organisation,
        assessment=assessment,
        title="Sooner: agreement",
        target_date=dt.date(2027, 1, 1),
    )
    page = (
        client_as(Role.VIEWER)
        .get(reverse("assessments:plan", args=[organisation.slug]))
        .content.decode()
    )
    positions = [page.index(a.title) for a in (sooner, later, done)]
    assert positions == sorted(positions)
