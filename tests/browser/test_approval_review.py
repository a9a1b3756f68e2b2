"""The senior accountable person reviews before signing: opens the review page, follows a
warning to its item, comes back, ticks the declaration and approves."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from assessments import services
from assessments.models import AnswerType, Approval, AssessmentStatus, Level
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [
    {"ref": "1.1.1", "summary": "Your ICO registration number", "level": Level.APPROACHING},
    {
        "ref": "1.3.1",
        "summary": "Data protection policy reviewed",
        "level": Level.APPROACHING,
        "answer_type": AnswerType.CONFIRMATION,
        "app_hint": "date",
    },
    {"ref": "3.1.1", "summary": "Training needs analysis", "level": Level.MET},
]


def test_the_approver_reviews_follows_a_warning_ticks_the_declaration_and_approves(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    with scopes_disabled():
        org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
        editor = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
        sap = UserFactory(email="director@larkspur.example", full_name="Margaret Ellis")
        MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
        MembershipFactory(organisation=org, user=sap, role=Role.ADMIN)
        org.senior_accountable_person = sap
        org.senior_accountable_title = "Registered Manager"
        org.save()
        assessment = assessment_for(org, catalogue_with(ITEMS))
        rs = {r.item.ref: r for r in assessment.responses.select_related("item")}
        answer(rs["1.1.1"], answer_text="Policy attached", owner=editor)  # vague: a warning
        answer(rs["1.3.1"], answer_confirmed=True, answer_date=dt.date(2026, 2, 14))
        answer(rs["3.1.1"], answer_text="Training needs analysis v2, IG folder, March 2026")
        services.assessment_submit(assessment=assessment, by=editor)

    login(page, sap)
    page.goto(live_url(f"/o/{org.slug}/assessment/approval/"))
    page.get_by_role("link", name="Review and approve").click()
    expect(page.get_by_role("heading", name="Review before approving")).to_be_visible()
    expect(page.locator("#review-answers")).to_be_visible()
    expect(page.get_by_text("Last done or reviewed:")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "approval-review")

    # Follow the warning to the item it concerns, then come back.
    warnings = page.locator(".review-warnings")
    expect(warnings).to_contain_text("1.1.1")
    warnings.get_by_role("link", name="1.1.1 Your ICO registration number").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your ICO registration number")
    page.go_back()

    # Approving without the tick is refused next to the field.
    page.get_by_role("button", name="Approve the assessment").click()
    expect(
        page.get_by_text("Tick the declaration to confirm you have reviewed it.")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("I have reviewed the answers").check()
    expect(page.get_by_label("Your name")).to_have_value("Margaret Ellis")
    expect(page.get_by_label("Your role")).to_have_value("Registered Manager")
    page.get_by_role("button", name="Approve the assessment").click()
    expect(page.get_by_text("Approved. Answers are now locked.")).to_be_visible()
    expect(page.locator(".declaration")).to_contain_text("Margaret Ellis, Registered Manager")
    assert_accessible(page)

    with scopes_disabled():
        assessment.refresh_from_db()
        approval = Approval.objects.get(assessment=assessment)
    assert assessment.status == AssessmentStatus.APPROVED
    assert approval.declared_name == "Margaret Ellis" and approval.declaration
