"""A consultant filters the portfolio to homes behind schedule and sends them a reminder."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dspt_portal.deadlines import dspt_deadline
from organisations.models import ActivityLog
from tests.assessments.factories import catalogue_with, simple_items
from tests.dashboards.conftest import build_homes
from tests.factories import UserFactory, give_totp

pytestmark = pytest.mark.django_db(transaction=True)
# What sticks out past the right edge, for the failure message.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))"""
SECRET = "JBSWY3DPEHPK3PXP"


def _sign_in_with_totp(page, login, user):
    login(page, user)
    # Codes are single-use: wait for a fresh 30-second window if this one is nearly over.
    if time.time() % 30 > 25:
        time.sleep(31 - time.time() % 30)
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


@pytest.fixture
def portfolio_homes():
    year = dspt_deadline().year
    consultant = UserFactory(full_name="Daniel Hughes")
    give_totp(consultant, SECRET)
    ig_lead = UserFactory(email="iglead@homes.example")
    catalogue = catalogue_with(simple_items(6), dspt_year=year)
    behind = build_homes(2, consultant, catalogue, answered=1, ig_lead=ig_lead, year=year)
    done = build_homes(1, consultant, catalogue, answered=6, ig_lead=ig_lead, year=year)
    return consultant, behind, done


def test_consultant_filters_to_homes_behind_schedule_and_reminds_them(
    browser_page, live_url, login, assert_accessible, screenshot, portfolio_homes
):
    consultant, behind, done = portfolio_homes
    page = browser_page
    _sign_in_with_totp(page, login, consultant)

    # A consultant lands on the portfolio straight after signing in.
    expect(page).to_have_url(live_url("/portfolio/"))
    expect(page.get_by_role("heading", name="Your portfolio", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=done[0].name)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "portfolio")

    page.get_by_label("Behind schedule only").check()
    page.get_by_role("button", name="Show homes").click()
    expect(page.get_by_text("2 of 3 homes match")).to_be_visible()
    assert page.locator("table.pf-table").get_by_text(done[0].name).count() == 0
    for home in behind:
        page.get_by_label(f"Select {home.name}").check()
    page.get_by_role("button", name="Email a reminder to their IG leads").click()

    expect(page.get_by_text("Reminder on its way to the IG lead of")).to_be_visible()
    assert "behind=1" in page.url  # back on the same filtered list
    assert page.get_by_text("Reminder sent today").count() == 2
    with scopes_disabled():
        reminded = set(
            ActivityLog.objects.filter(action="reminder.requested").values_list(
                "organisation_id", flat=True
            )
        )
    assert reminded == {h.pk for h in behind}
    assert_accessible(page)


def test_portfolio_fits_a_phone_screen(
    browser_page, live_url, login, screenshot, assert_accessible, portfolio_homes
):
    consultant, _behind, _done = portfolio_homes
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    _sign_in_with_totp(page, login, consultant)

    page.goto(live_url("/portfolio/"))

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDEST)
    assert overflow <= 0, f"the portfolio scrolls sideways by {overflow}px at 375px: {wide}"
    assert_accessible(page)
    screenshot(page, "portfolio-375")
