"""Two IG leads edit the same answer in two browsers: the second inline (HTMX) save is
refused next to the field with both versions; the history shows both saves and restores."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from assessments.models import Level
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stale_inline_save_shows_both_versions_and_history_restores(
    _browser, live_server, live_url, login, assert_accessible, screenshot
):
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    tom = UserFactory(email="tom@larkspur.example", full_name="Tom Okafor")
    ana = UserFactory(email="ana@larkspur.example", full_name="Ana Silva")
    for user in (tom, ana):
        MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    items = [{"ref": "1.1.1", "summary": "Your ICO registration number", "level": Level.MET}]
    with scopes_disabled():
        response = assessment_for(org, catalogue_with(items)).responses.get()
    item_url = live_url(f"/o/{org.slug}/assessment/item/{response.pk}/")

    pages = []
    for user in (tom, ana):
        context = _browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(10_000)
        login(page, user)
        page.goto(item_url)
        pages.append(page)
    tom_page, ana_page = pages

    tom_page.get_by_label("Your answer").fill("ZA123456")
    tom_page.get_by_label("How you meet this").fill("Tom: we renew the ICO fee each April.")
    tom_page.get_by_role("button", name="Save answer").click()
    expect(tom_page.locator("#item-answer")).to_contain_text("Saved.")
    expect(tom_page.locator("#history")).to_contain_text("Tom: we renew the ICO fee each April.")

    # Ana's page was opened before Tom saved.
    ana_page.evaluate("window.__same_page = true")
    ana_page.get_by_label("How you meet this").fill("Ana: the fee is paid by direct debit.")
    ana_page.get_by_role("button", name="Save answer").click()
    answer = ana_page.locator("#item-answer")
    expect(answer).to_contain_text("Not saved: Tom Okafor saved this answer after you opened it")
    expect(answer.locator(".conflict")).to_contain_text("Tom: we renew the ICO fee each April.")
    expect(ana_page.get_by_label("How you meet this")).to_have_value(
        "Ana: the fee is paid by direct debit."
    )
    assert ana_page.evaluate("window.__same_page") is True  # swapped in place by HTMX
    assert_accessible(ana_page)
    answer.scroll_into_view_if_needed()
    screenshot(ana_page, "item-stale-save")

    # She merges both and saves again: it goes through.
    ana_page.get_by_label("How you meet this").fill(
        "We renew the ICO fee each April, paid by direct debit."
    )
    ana_page.get_by_role("button", name="Save answer").click()
    expect(answer).to_contain_text("Saved.")
    history = ana_page.locator("#history")
    expect(history).to_contain_text("Ana Silva")
    expect(history).to_contain_text("Tom Okafor")

    # Restore Tom's version from the history.
    ana_page.goto(item_url + "#history")
    ana_page.get_by_role(
        "button", name="Restore the answer as it was after this change"
    ).first.click()
    expect(ana_page.get_by_role("status").first).to_contain_text("The earlier answer is back")
    expect(ana_page.get_by_label("How you meet this")).to_have_value(
        "Tom: we renew the ICO fee each April."
    )
    assert_accessible(ana_page)
    ana_page.locator("#history").scroll_into_view_if_needed()
    screenshot(ana_page, "item-history")
