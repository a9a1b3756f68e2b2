"""An IG lead answers an item on the checklist, sees the outcome move, fixes a vague
answer from the warnings list, and sends the assessment for approval."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from assessments.models import AnswerType, AssessmentStatus, Level
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [
    {"ref": "1.1.1", "summary": "Your ICO registration number", "level": Level.APPROACHING},
    {
        "ref": "1.1.2",
        "summary": "Your information asset register",
        "level": Level.APPROACHING,
        "answer_type": AnswerType.DOCUMENT,
    },
    {"ref": "1.1.5", "summary": "Who is the senior accountable person", "level": Level.APPROACHING},
    {
        "ref": "3.1.1",
        "summary": "Training needs analysis",
        "level": Level.MET,
        "answer_type": AnswerType.CONFIRMATION,
    },
]


def test_answer_see_the_outcome_change_fix_a_warning_and_submit(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    editor = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
    sap = UserFactory(email="director@larkspur.example", full_name="Margaret Ellis")
    MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    MembershipFactory(organisation=org, user=sap, role=Role.ADMIN)
    org.senior_accountable_person = sap
    org.save()
    assessment = assessment_for(org, catalogue_with(ITEMS))
    with scopes_disabled():
        responses = {r.item.ref: r for r in assessment.responses.select_related("item")}
    answer(responses["1.1.1"], answer_text="Policy attached")
    answer(responses["1.1.5"], answer_text="Director, job description section 3 (2025)")

    login(page, editor)
    page.goto(live_url(f"/o/{org.slug}/assessment/"))
    progress = page.locator("#assessment-progress")
    expect(progress).to_contain_text("Approaching Standards needs 1 more item")
    expect(progress).to_contain_text("2 of 4 mandatory items answered (50%)")
    assert_accessible(page)
    screenshot(page, "assessment-checklist")

    # Answer 1.1.2 in place: HTMX swaps the row and the outcome, no page load.
    page.evaluate("window.__same_page = true")
    row = page.locator(f"#row-{responses['1.1.2'].pk}")
    # Rows are compact: opening one loads its form (HTMX) and moves focus into it.
    expect(row.locator("form")).to_have_count(0)
    opener = row.get_by_role("button", name="Answer 1.1.2 here")
    expect(opener).to_have_attribute("aria-expanded", "false")
    opener.click()
    expect(opener).to_have_attribute("aria-expanded", "true")
    expect(row.locator("form :focus")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "assessment-checklist-open")
    row.get_by_label("Where the document is held").fill(
        "Shared drive > Governance > Information asset register v3 (reviewed January 2026)"
    )
    row.get_by_role("button", name="Save 1.1.2").click()
    expect(progress).to_contain_text("Standards Met needs 1 more item")
    expect(progress).to_contain_text("3 of 4 mandatory items answered (75%)")
    expect(progress.locator(".progress > span").first).to_have_attribute("style", "width: 75%")
    expect(page.locator(f"#row-{responses['1.1.2'].pk}")).to_contain_text("Answered")
    # The saved row comes back closed, with "Saved." focused for keyboard and screen readers.
    expect(page.locator(f"#row-{responses['1.1.2'].pk} .row__saved")).to_be_focused()
    expect(page.locator(f"#row-{responses['1.1.2'].pk} form")).to_have_count(0)
    assert page.evaluate("window.__same_page") is True
    assert_accessible(page)

    # The vague answer to 1.1.1 (no registration number) shows on the warnings list; fix it
    # from the item page.
    page.get_by_role("link", name="All warnings and fixes").click()
    expect(page.get_by_role("heading", name="Things to improve")).to_be_visible()
    expect(page.get_by_text("The answer does not say the registration number")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "assessment-warnings")
    page.get_by_role("link", name="1.1.1 Your ICO registration number").click()
    expect(page.locator("#item-warnings")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("ZA381902, on the ICO register, renewed 2 April 2026")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_text("Saved. The outcome and warnings are up to date.")).to_be_visible()
    expect(page.locator("#item-warnings")).to_have_count(0)
    screenshot(page, "assessment-item")

    # Approaching Standards is reached. The approval page says a plan is needed first.
    page.goto(live_url(f"/o/{org.slug}/assessment/approval/"))
    expect(page.get_by_text("you need an improvement plan")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Go to the improvement plan").click()
    page.get_by_role("button", name="Suggest actions").click()
    expect(page.get_by_text("1 action suggested")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "assessment-plan")

    # Now send it for approval.
    page.goto(live_url(f"/o/{org.slug}/assessment/approval/"))
    assert_accessible(page)
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("Sent for approval.")).to_be_visible()
    expect(page.get_by_text("Waiting for Margaret Ellis to approve it.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "assessment-approval")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AWAITING_APPROVAL


def test_checklist_and_item_fit_a_phone_screen(browser_page, live_url, login):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    org = OrganisationFactory(slug="vl4r3", ods_code="VL4R3")
    user = UserFactory()
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    assessment = assessment_for(org, catalogue_with(ITEMS))
    login(page, user)
    with scopes_disabled():
        item = assessment.responses.first()
    for path in ("", f"item/{item.pk}/", "warnings/", "approval/", "plan/"):
        page.goto(live_url(f"/o/{org.slug}/assessment/{path}"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path or 'checklist'} scrolls sideways by {overflow}px at 375px"
