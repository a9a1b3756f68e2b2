"""An admin closes the organisation on its confirmation page; everyone then sees when it
closes – each page accessible (axe) at tablet and phone widths."""

import pytest

from organisations.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_closes_the_organisation_and_sees_the_closing_notice(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R3", slug="vl4r3")
    from organisations.models import Organisation

    org = Organisation.objects.get(slug="vl4r3")
    admin = UserFactory(email="manager@larkspur.example", full_name="Ama Boateng")
    MembershipFactory(organisation=org, user=admin, role=Role.ADMIN)
    login(page, admin)

    page.goto(live_url("/o/vl4r3/settings/"))
    page.get_by_role("link", name="Close Larkspur Care Home").click()
    for width, height in ((768, 1024), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        screenshot(page, f"organisation-close-{width}")
    page.get_by_label("Type your ODS code to confirm").fill("VX000")
    page.get_by_role("button", name="Close Larkspur Care Home").click()
    assert page.get_by_text("That is not this organisation's ODS code").is_visible()
    assert page.get_by_text("Tick the box to confirm").is_visible()
    assert_accessible(page)
    page.get_by_label("Type your ODS code to confirm").fill("vl4r3")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Close Larkspur Care Home").click()
    assert page.get_by_role("heading", name="Larkspur Care Home is closing").is_visible()
    page.goto(live_url("/o/vl4r3/"))
    assert page.get_by_text("Larkspur Care Home is closing on").is_visible()
    for width, height in ((768, 1024), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        screenshot(page, f"organisation-closing-home-{width}")


def test_the_organisation_details_page_offers_download_and_close(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R3", slug="vl4r3")
    admin = UserFactory(email="manager@larkspur.example", full_name="Ama Boateng")
    MembershipFactory(organisation=org, user=admin, role=Role.ADMIN)
    login(page, admin)
    page.goto(live_url("/o/vl4r3/settings/"))
    section = page.get_by_role("region", name="Leaving DSPT Portal")
    section.scroll_into_view_if_needed()
    assert section.get_by_role("link", name="Download everything (zip)").is_visible()
    for width, height in ((768, 1024), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        section.scroll_into_view_if_needed()
        screenshot(page, f"settings-leaving-{width}", full_page=False)
