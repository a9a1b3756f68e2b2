"""A care manager opens their overview and follows "what to do next" to an item."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dspt_portal.deadlines import dspt_deadline
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with, simple_items
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
# What sticks out past the right edge, for the failure message.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))"""


@pytest.fixture
def manager_and_home():
    home = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    manager = UserFactory(full_name="Priya Shah")
    MembershipFactory(organisation=home, user=manager, role=Role.ADMIN)
    year = dspt_deadline().year
    assessment = assessment_for(home, catalogue_with(simple_items(6), dspt_year=year))
    return manager, home, assessment


def test_care_manager_follows_what_to_do_next_to_an_item(
    browser_page, live_url, login, assert_accessible, screenshot, manager_and_home
):
    manager, home, assessment = manager_and_home
    with scopes_disabled():
        first = assessment.responses.order_by("item__sort_key").first()
    page = browser_page
    login(page, manager)
    page.goto(live_url(f"/o/{home.slug}/"))

    expect(page.get_by_text("Not yet at Approaching Standards").first).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home")

    page.get_by_role("link", name=f"Answer {first.item.ref} next").click()
    page.wait_for_load_state()

    assert page.url.endswith(reverse("assessments:item", args=[home.slug, first.pk]))
    expect(page.get_by_text(first.item.summary).first).to_be_visible()


def test_overview_fits_a_phone_screen(
    browser_page, live_url, login, assert_accessible, screenshot, manager_and_home
):
    manager, home, _assessment = manager_and_home
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, manager)

    page.goto(live_url(f"/o/{home.slug}/"))

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDEST)
    assert overflow <= 0, f"the overview scrolls sideways by {overflow}px at 375px: {wide}"
    assert_accessible(page)
    screenshot(page, "home-375")
