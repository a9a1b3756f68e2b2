"""The demo home's 'What changed this year' panel on the home page and its full list, and
removing an entry made in error; each page passes axe at tablet and phone widths."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from organisations.models import Organisation, Role
from registers.models import ITAsset
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _both_widths(page, assert_accessible, screenshot, name):
    for width, height in ((768, 1024), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")


def test_demo_home_lists_the_years_changes_and_an_editor_removes_one(
    browser_page, live_url, login, assert_accessible, screenshot
):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = browser_page
    with scopes_disabled():
        org = Organisation.objects.get(slug="vn4k2")
    user = UserFactory(email="editor@meadowbank.example", full_name="Sam Editor")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    login(page, user)

    page.goto(live_url("/o/vn4k2/"))
    panel = page.get_by_test_id("year-changes")
    assert panel.get_by_role("heading", name="What changed this year").is_visible()
    assert panel.get_by_role("link", name="New IT system: Office PC (Windows 10)").is_visible()
    panel.scroll_into_view_if_needed()
    _both_widths(page, assert_accessible, screenshot, "home-year-changes")
    for width in (768, 375):
        page.set_viewport_size({"width": width, "height": 1024})
        path = screenshot(page, f"home-year-changes-panel-{width}", full_page=False)
        panel.screenshot(path=str(path))

    page.set_viewport_size({"width": 1024, "height": 768})
    panel.get_by_role("link", name="See all").click()
    assert page.get_by_role("heading", name="What changed this year", exact=True).first.is_visible()
    _both_widths(page, assert_accessible, screenshot, "year-changes")

    page.get_by_role("link", name="New IT system: Office router").click()
    page.get_by_role("link", name="Remove this entry").click()
    _both_widths(page, assert_accessible, screenshot, "register-remove")
    page.get_by_role("button", name="Remove it").click()
    assert page.get_by_text("is removed from the IT register").is_visible()
    with scopes_disabled():
        assert not ITAsset.objects.filter(organisation=org, name="Office router").exists()
