"""The approver's review page, the declaration kept with the approval, the returned comment
that stays in view, and double clicks that change nothing twice."""

import datetime as dt
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import services
from assessments.models import (
    Approval,
    Assessment,
    AssessmentStatus,
    DocumentLink,
    ImprovementAction,
    Level,
)
from evidence.models import Document
from organisations.models import ActivityLog, Role
from tests.assessments.factories import SIGNED, answer, assessment_for, catalogue_with
from tests.mail import deliver_emails

pytestmark = pytest.mark.django_db

ITEMS = [
    {"ref": "1.1.1", "summary": "ICO registration number"},
    {"ref": "1.3.1", "summary": "Data protection policy reviewed", "app_hint": "date",
     "answer_type": "confirmation"},
    {"ref": "3.2.1", "summary": "Staff trained this year", "app_hint": "percentage",
     "answer_type": "confirmation"},
    {"ref": "4.3.1", "summary": "IT admins signed an agreement", "level": Level.MET},
    {"ref": "7.1.1", "summary": "Paper records off site", "na_allowed": True},
]  # fmt: skip


@pytest.fixture
def people(organisation, member):
    editor = member(Role.EDITOR, full_name="Priya Shah")
    sap = member(Role.VIEWER, full_name="Margaret Ellis", job_title="Director")
    organisation.senior_accountable_person = sap
    organisation.senior_accountable_title = "Registered Manager"
    organisation.save()
    return editor, sap


@pytest.fixture
def submitted(organisation, people, django_capture_on_commit_callbacks):
    """At Approaching Standards (4.3.1 unanswered, with a plan), sent for approval."""
    editor, sap = people
    with scopes_disabled():
        assessment = assessment_for(organisation, catalogue_with(ITEMS))
        rs = {r.item.ref: r for r in assessment.responses.select_related("item")}
        answer(rs["1.1.1"], answer_text="ZA123456, renewed 3 March 2026", owner=editor)
        answer(rs["1.3.1"], answer_confirmed=True, answer_date=dt.date(2026, 2, 14))
        answer(rs["3.2.1"], answer_confirmed=True, answer_number=96.5)
        answer(rs["7.1.1"], not_applicable=True, na_reason="No paper records leave the home")
        policy = Document.objects.create(
            organisation=organisation, title="Data protection policy v4",
            next_review_due=dt.date(2027, 2, 1),
        )  # fmt: skip
        DocumentLink.objects.create(
            organisation=organisation, document=policy, response=rs["1.1.1"]
        )
        action = ImprovementAction.objects.create(
            organisation=organisation, assessment=assessment,
            title="Ask our IT supplier to sign the agreement", target_date=dt.date(2026, 9, 1),
        )  # fmt: skip
        action.items.create(organisation=organisation, response=rs["4.3.1"])
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_submit(assessment=assessment, by=editor)
    return assessment


def _url(name, organisation):
    return reverse(f"assessments:{name}", kwargs={"org": organisation.slug})


def _as(client, user):
    client.force_login(user)
    return client


def test_the_review_page_shows_outcome_basis_warnings_plan_and_every_answer(
    client, organisation, people, submitted
):
    editor, sap = people
    page = _as(client, sap).get(_url("review", organisation)).content.decode()
    assert "Projected outcome" in page and "Approaching Standards" in page
    assert "Still missing for Standards Met" in page and "4.3.1" in page
    with scopes_disabled():
        item_111 = submitted.responses.get(item__ref="1.1.1")
    # Warnings link to the item where they can be fixed.
    assert "Open warnings" in page
    assert reverse("assessments:item", args=[organisation.slug, item_111.pk]) in page
    # The improvement plan for Approaching Standards.
    assert "Ask our IT supplier to sign the agreement" in page
    # Every answer with its documents, dates, percentages, owners and N/A reasons.
    assert "ZA123456, renewed 3 March 2026" in page
    assert "Data protection policy v4" in page and "review due 1 Feb 2027" in page
    assert "Last done or reviewed:</span> 14 February 2026" in page
    assert "96.5%" in page
    assert "Priya Shah" in page
    assert "Not applicable: No paper records leave the home" in page
    # The declaration, prefilled with who signs and as what.
    assert (
        "I have reviewed the answers, their documents, the open warnings, the improvement plan"
        in page
    )
    assert 'value="Margaret Ellis"' in page and 'value="Registered Manager"' in page


def test_others_see_the_review_page_without_the_approve_form(client_as, organisation, submitted):
    page = client_as(Role.EDITOR).get(_url("review", organisation)).content.decode()
    assert "Every answer and its documents" in page
    assert "Approve the assessment" not in page and "Only Margaret Ellis" in page


def test_approving_without_ticking_the_declaration_says_so_and_approves_nothing(
    client, organisation, people, submitted
):
    editor, sap = people
    response = _as(client, sap).post(
        _url("approve", organisation), {"name": "Margaret Ellis", "role": "Registered Manager"}
    )
    assert response.status_code == 400
    assert "Tick the declaration to confirm you have reviewed it." in response.content.decode()
    with scopes_disabled():
        assert not Approval.objects.exists()
        submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.AWAITING_APPROVAL


def test_the_declaration_name_role_and_date_are_kept_with_the_approval(
    client, organisation, people, submitted
):
    editor, sap = people
    response = _as(client, sap).post(
        _url("approve", organisation),
        {"declared": "on", "name": "Margaret Ellis", "role": "Registered Manager and owner"},
        follow=True,
    )
    assert "Approved. Answers are now locked." in response.content.decode()
    with scopes_disabled():
        approval = Approval.objects.get()
    assert approval.declaration.startswith("I have reviewed the answers")
    assert "Meadowbank House DSPT 2025-26" in approval.declaration
    assert "approve it for publication at Approaching Standards" in approval.declaration
    assert (approval.declared_name, approval.declared_role) == (
        "Margaret Ellis",
        "Registered Manager and owner",
    )
    page = response.content.decode()
    assert approval.declaration in page and "Registered Manager and owner" in page


def test_approving_twice_approves_once_and_the_second_click_gets_a_message(
    client, organisation, people, submitted
):
    editor, sap = people
    client = _as(client, sap)
    data = {"declared": "on", "name": "Margaret Ellis", "role": "Registered Manager"}
    client.post(_url("approve", organisation), data)
    second = client.post(_url("approve", organisation), data, follow=True)
    assert second.status_code == 200
    assert "already approved by Margaret Ellis" in second.content.decode()
    with scopes_disabled():
        assert Approval.objects.count() == 1
        assert ActivityLog.objects.filter(action="assessment.approved").count() == 1


def test_a_second_approval_with_the_page_loaded_before_the_first_sees_the_new_state(
    people, submitted
):
    """Both requests loaded the assessment while it was waiting; the second, run after the
    first committed, re-reads the row under its lock and is refused."""
    editor, sap = people
    with scopes_disabled():
        stale = Assessment.objects.get(pk=submitted.pk)
        services.assessment_approve(assessment=submitted, by=sap, **SIGNED)
        assert stale.status == AssessmentStatus.AWAITING_APPROVAL
        with pytest.raises(ValidationError, match="already approved by Margaret Ellis"):
            services.assessment_approve(assessment=stale, by=sap, **SIGNED)
        assert Approval.objects.count() == 1


def test_sending_twice_sends_one_email_and_one_log_entry(
    organisation, people, django_capture_on_commit_callbacks
):
    editor, sap = people
    with scopes_disabled():
        assessment = assessment_for(organisation, catalogue_with(ITEMS[:1]))
        answer(assessment.responses.select_related("item").get())
        stale = Assessment.objects.get(pk=assessment.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_submit(assessment=assessment, by=editor)
        with pytest.raises(ValidationError, match="already sent for approval by Priya Shah"):
            with django_capture_on_commit_callbacks(execute=True):
                services.assessment_submit(assessment=stale, by=editor)
        assert ActivityLog.objects.filter(action="assessment.submitted").count() == 1
        assert len(deliver_emails()) == 1


def test_the_returned_comment_stays_on_home_and_approval_pages_until_sent_again(
    client, client_as, organisation, people, submitted, django_capture_on_commit_callbacks
):
    editor, sap = people
    with scopes_disabled():
        services.assessment_return(
            assessment=submitted, by=sap, comment="Add the review date to the policy"
        )
    viewer = client_as(Role.VIEWER)
    for name in ("approval", "index"):
        assert (
            "Add the review date to the policy"
            in viewer.get(_url(name, organisation)).content.decode()
        )
    home = viewer.get(reverse("organisations:home", args=[organisation.slug])).content.decode()
    assert "Returned for changes by Margaret Ellis" in home
    assert "Add the review date to the policy" in home
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_submit(assessment=submitted, by=editor)
    for name in ("approval", "index"):
        assert "Add the review date" not in viewer.get(_url(name, organisation)).content.decode()
    home = viewer.get(reverse("organisations:home", args=[organisation.slug])).content.decode()
    assert "Add the review date" not in home


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks need PostgreSQL; SQLite runs one writer at a time anyway.",
)
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_on_postgresql_make_one(organisation, people):
    editor, sap = people
    with scopes_disabled():
        assessment = assessment_for(organisation, catalogue_with(ITEMS[:1]))
        answer(assessment.responses.select_related("item").get())
        services.assessment_submit(assessment=assessment, by=editor)
    barrier, results = threading.Barrier(2), []

    def approve():
        try:
            with scopes_disabled():
                mine = Assessment.objects.select_related("organisation").get(pk=assessment.pk)
                barrier.wait()
                services.assessment_approve(assessment=mine, by=sap, **SIGNED)
            results.append("approved")
        except ValidationError as e:
            results.append(" ".join(e.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("approved") == 1, results
    assert any("already approved by Margaret Ellis" in r for r in results), results
    with scopes_disabled():
        assert Approval.objects.filter(assessment_id=assessment.pk).count() == 1


def test_someone_else_cannot_approve_even_with_the_declaration(client_as, organisation, submitted):
    response = client_as(Role.ADMIN).post(
        _url("approve", organisation), {"declared": "on", "name": "X", "role": "Y"}
    )
    assert response.status_code == 403
