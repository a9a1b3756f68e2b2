"""The assessment is for the coming 30 June, even when the newest checklist is older; when
the year's questions are loaded, the answers move across in one step."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope

from assessments import services
from assessments.models import (
    Comment,
    DocumentLink,
    ImprovementAction,
    ImprovementActionItem,
    ResponseStatus,
)
from evidence.models import Document
from organisations.models import Role
from tests.assessments.factories import answer, catalogue_with

pytestmark = pytest.mark.django_db

V8 = [
    {"ref": "1.1.1", "summary": "ICO registration number"},
    {"ref": "1.1.2", "summary": "Information asset register"},
    {"ref": "1.3.9", "summary": "An item dropped this year"},
]
V9 = [
    {"ref": "1.1.1", "summary": "ICO registration number"},
    {"ref": "1.1.2", "summary": "Information asset register and record of processing"},
    {"ref": "4.3.1", "summary": "IT admins signed an agreement"},
]


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_after_30_june_a_new_assessment_is_for_next_june_on_the_newest_checklist(
    organisation, member
):
    with scope(organisation=organisation):
        v8 = catalogue_with(V8, dspt_year=2026)
        assessment = services.assessment_start(organisation=organisation, catalogue=v8, by=member())
        assert assessment.dspt_year == 2027 and assessment.deadline == dt.date(2027, 6, 30)
        assert assessment.catalogue == v8


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_the_checklist_says_which_questions_are_in_use(client_as, organisation):
    client = client_as(Role.EDITOR)
    with scope(organisation=organisation):
        services.assessment_start(
            organisation=organisation, catalogue=catalogue_with(V8, dspt_year=2026), by=client.user
        )
    page = client.get(reverse("assessments:index", args=[organisation.slug])).content.decode()
    assert "Deadline 30 June 2027" in page
    assert "newest loaded here" in page


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_moving_to_the_years_checklist_keeps_answers_links_and_comments(client_as, organisation):
    client = client_as(Role.EDITOR)
    v8 = catalogue_with(V8, dspt_year=2026)
    with scope(organisation=organisation):
        assessment = services.assessment_start(
            organisation=organisation, catalogue=v8, by=client.user
        )
        r = {x.item.ref: x for x in assessment.responses.select_related("item")}
        answer(r["1.1.1"], answer_text="ZA123456", status=ResponseStatus.DONE)
        answer(r["1.1.2"], answer_text="Shared drive > IG > IAR v3")
        doc = Document.objects.create(organisation=organisation, title="Asset register")
        DocumentLink.objects.create(organisation=organisation, document=doc, response=r["1.1.2"])
        Comment.objects.create(
            organisation=organisation,
            response=r["1.1.1"],
            author=client.user,
            text="Renewed in April",
        )
        action = ImprovementAction.objects.create(
            organisation=organisation, assessment=assessment, title="Finish the asset register"
        )
        ImprovementActionItem.objects.create(
            organisation=organisation, action=action, response=r["1.1.2"]
        )

    v9 = catalogue_with(V9, dspt_year=2027)
    page = client.get(reverse("assessments:index", args=[organisation.slug])).content.decode()
    assert f"Move to the {v9.label} checklist" in page
    client.post(reverse("assessments:change_catalogue", args=[organisation.slug]))

    with scope(organisation=organisation):
        assessment.refresh_from_db()
        assert assessment.catalogue == v9 and assessment.dspt_year == 2027
        got = {x.item.ref: x for x in assessment.responses.select_related("item")}
        assert set(got) == {"1.1.1", "1.1.2", "4.3.1"}
        assert got["1.1.1"].answer_text == "ZA123456" and got["1.1.1"].status == ResponseStatus.DONE
        assert not got["1.1.1"].review_needed  # same wording: still this year's answer
        assert got["1.1.2"].review_needed  # reworded: check it
        assert list(got["1.1.2"].document_links.values_list("document__title", flat=True)) == [
            "Asset register"
        ]
        assert got["1.1.1"].comments.get().text == "Renewed in April"
        assert list(got["1.1.2"].improvement_actions.all()) == [action]  # the plan keeps its items
    report = assessment.carry_forward_report
    assert report["new_items"] == ["4.3.1"] and report["changed_wording"] == ["1.1.2"]
    assert [x["ref"] for x in report["removed_items"]] == ["1.3.9"]


def test_the_same_checklist_cannot_be_switched_to(organisation, member):
    v8 = catalogue_with(V8, dspt_year=2026)
    with scope(organisation=organisation):
        assessment = services.assessment_start(organisation=organisation, catalogue=v8, by=member())
        with pytest.raises(ValidationError):
            services.assessment_change_catalogue(assessment=assessment, catalogue=v8, by=member())


def test_a_revised_list_for_the_same_year_is_offered_and_adds_its_new_items(
    client_as, organisation
):
    """A database that loaded the first v8 list gets the revised bundled list as a new
    version; the assessment under way moves onto it in one step, answers kept."""
    from assessments.catalogue import bundled_catalogue_ensure

    client = client_as(Role.EDITOR)
    first = catalogue_with(
        [{"ref": "1.1.1", "summary": "Your ICO registration number."}],
        key="2025-26-v8",
        dspt_year=2026,
    )
    with scope(organisation=organisation):
        assessment = services.assessment_start(
            organisation=organisation, catalogue=first, by=client.user
        )
        answer(assessment.responses.get(), answer_text="ZA123456")
    revised = bundled_catalogue_ensure()
    page = client.get(reverse("assessments:index", args=[organisation.slug])).content.decode()
    assert f"Move to the {revised.label} checklist" in page
    client.post(reverse("assessments:change_catalogue", args=[organisation.slug]))
    with scope(organisation=organisation):
        assessment.refresh_from_db()
        assert assessment.catalogue == revised
        got = {x.item.ref: x for x in assessment.responses.select_related("item")}
        assert got["1.1.1"].answer_text == "ZA123456"
    assert {"1.3.7", "1.4.2"} <= set(assessment.carry_forward_report["new_items"])
