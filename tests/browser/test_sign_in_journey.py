"""A member of an organisation that requires two-step sign-in logs in, enrols, and arrives."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from organisations.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_member_enrols_in_two_step_sign_in_then_reaches_their_organisation(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    org = OrganisationFactory(
        name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2", require_mfa=True
    )
    user = UserFactory(email="manager@larkspur.example", full_name="Nadia Khan")
    MembershipFactory(organisation=org, user=user, role=Role.ADMIN)

    page.goto(live_url("/"))
    assert "/accounts/login/" in page.url
    assert_accessible(page)
    screenshot(page, "sign-in")

    login(page, user)
    # Sent to enrolment before anything else.
    assert "/accounts/2fa/totp/activate" in page.url
    expect(page.get_by_text("requires two-step sign-in")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-enrol")

    # Trying to go elsewhere still lands on enrolment.
    page.goto(live_url(f"/o/{org.slug}/"))
    assert "/accounts/2fa/totp/activate" in page.url

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(_current_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()

    page.goto(live_url("/"))
    assert page.url.endswith(f"/o/{org.slug}/")
    expect(page.get_by_role("heading", name="Larkspur Care Home", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "organisation-home")

    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Organisation details").click()
    assert_accessible(page)
    screenshot(page, "organisation-details")


def test_pages_fit_a_phone_screen(browser_page, live_url, login, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    user = UserFactory()
    MembershipFactory(organisation=org, user=user, role=Role.ADMIN)
    login(page, user)
    for path in (f"/o/{org.slug}/", f"/o/{org.slug}/members/", f"/o/{org.slug}/settings/"):
        page.goto(live_url(path))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    screenshot(page, "organisation-details-375")
