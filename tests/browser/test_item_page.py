"""The item page after an inline (HTMX) save: focus lands on the result, the header's badge
follows the answer, "not applicable" replaces the answer, "No" on an optional item is an
answer; and the page fits a phone screen with documents to link."""

import pytest
from playwright.sync_api import expect

from assessments.models import AnswerType, Level
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.evidence.factories import DocumentFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [
    {"ref": "1.1.1", "summary": "Your ICO registration number", "level": Level.APPROACHING},
    {
        "ref": "1.2.1",
        "summary": "Paper records are stored securely",
        "level": Level.APPROACHING,
        "na_allowed": True,
    },
    {
        "ref": "9.1.1",
        "summary": "You have an external penetration test",
        "level": Level.OPTIONAL,
        "answer_type": AnswerType.CONFIRMATION,
    },
]


@pytest.fixture
def item_page(browser_page, live_url, login):
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    editor = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    assessment = assessment_for(org, catalogue_with(ITEMS))
    responses = {r.item.ref: r for r in assessment.responses.select_related("item")}
    login(browser_page, editor)

    def open_item(ref: str):
        browser_page.goto(live_url(f"/o/{org.slug}/assessment/item/{responses[ref].pk}/"))
        browser_page.evaluate("window.__same_page = true")
        return browser_page

    open_item.org, open_item.responses = org, responses
    return open_item


def test_an_inline_save_puts_focus_on_the_result_and_updates_the_header_badge(item_page):
    page = item_page("1.1.1")
    header = page.locator("#item-status")
    expect(header).to_contain_text("Not answered")

    page.get_by_label("Your answer").fill("ZA381902, on the ICO register, renewed 2 April 2026")
    page.get_by_role("button", name="Save answer").click()

    saved = page.get_by_text("Saved. The outcome and warnings are up to date.")
    expect(saved).to_be_visible()
    expect(saved).to_be_focused()
    expect(header).to_contain_text("✓ Answered")
    expect(header).not_to_contain_text("Not answered")
    assert page.evaluate("window.__same_page") is True  # swapped in place, no page load


def test_a_refused_inline_save_puts_focus_on_what_to_fix(item_page):
    page = item_page("1.2.1")
    page.get_by_label("This does not apply to us").check()
    page.get_by_role("button", name="Save answer").click()

    problem = page.get_by_text("Not saved yet: please fix the highlighted answer below.")
    expect(problem).to_be_focused()
    expect(page.get_by_text("Say why this does not apply")).to_be_visible()


def test_not_applicable_replaces_the_old_answer(item_page):
    answer(item_page.responses["1.2.1"], answer_text="Locked cabinet in the office")
    page = item_page("1.2.1")
    expect(page.get_by_label("Your answer")).to_have_value("Locked cabinet in the office")

    page.get_by_label("This does not apply to us").check()
    page.get_by_label("Why it does not apply").fill("We hold no paper records: all are digital")
    page.get_by_role("button", name="Save answer").click()

    expect(page.get_by_text("Saved. The outcome and warnings are up to date.")).to_be_visible()
    expect(page.get_by_label("Your answer")).to_have_value("")
    page.reload()
    expect(page.get_by_label("This does not apply to us")).to_be_checked()
    expect(page.locator("#item-answer")).not_to_contain_text("Locked cabinet in the office")
    expect(page.locator("#history")).to_contain_text("Locked cabinet in the office")


def test_no_on_an_optional_item_is_shown_as_answered_no(item_page):
    page = item_page("9.1.1")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save answer").click()

    header = page.locator("#item-status")
    expect(header).to_contain_text("Answered: No")
    expect(header).not_to_contain_text("Not answered")
    page.reload()
    expect(page.locator("#item-status")).to_contain_text("Answered: No")


@pytest.mark.parametrize("width", [375, 768])
def test_the_item_page_with_documents_to_link_fits_the_screen(item_page, width, screenshot):
    DocumentFactory(
        organisation=item_page.org,
        title="Information governance and data security and protection policy, "
        "including records management and retention schedule (version 7, March 2026)",
    )
    page = item_page("1.1.1")
    page.set_viewport_size({"width": width, "height": 900})
    expect(page.get_by_label("Link a document from your library")).to_be_visible()

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    screenshot(page, f"item-page-{width}")
    assert overflow <= 0, f"the item page scrolls sideways by {overflow}px at {width}px"
