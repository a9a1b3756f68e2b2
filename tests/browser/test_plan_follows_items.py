"""An editor sees an improvement action whose item is now met and closes it in one click;
the item page names what a vague answer leaves out. Both pages pass axe at tablet and
phone widths."""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import ActionStatus, ImprovementAction, ImprovementActionItem, Level
from dspt_portal.deadlines import dspt_deadline
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SHOTS_DIR")


@pytest.fixture
def home():
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    editor = UserFactory(full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    items = [
        {"ref": "1.1.5", "summary": "Senior people own data security", "level": Level.APPROACHING,
         "guidance": "Use the job title and say how the role was given."},
        {"ref": "1.1.9", "summary": "Data security lead named", "level": Level.APPROACHING},
    ]  # fmt: skip
    with scopes_disabled():
        assessment = assessment_for(org, catalogue_with(items, dspt_year=dspt_deadline().year))
        answer(assessment.responses.get(item__ref="1.1.5"), answer_text="the manager")
        answer(assessment.responses.get(item__ref="1.1.9"), answer_text="Registered Manager")
        for ref in ("1.1.9", "1.1.5"):
            action = ImprovementAction.objects.create(
                organisation=org,
                assessment=assessment,
                title=f"Agree who leads {ref}",
                target_date=dt.date.today() - dt.timedelta(days=3),
            )
            ImprovementActionItem.objects.create(
                organisation=org, action=action, response=assessment.responses.get(item__ref=ref)
            )
    return org, editor, assessment


def _shot(page, name):
    if SHOTS:
        for width, height in ((768, 1024), (375, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1024, "height": 768})


def test_editor_closes_a_met_action_and_sees_what_a_vague_answer_lacks(
    browser_page, live_url, login, assert_accessible, home
):
    org, editor, assessment = home
    page = browser_page
    login(page, editor)
    page.goto(live_url(reverse("assessments:plan", args=[org.slug])))
    assert page.get_by_text("Item now met").first.is_visible()
    assert_accessible(page)
    _shot(page, "plan")
    page.get_by_role("button", name="Close action “Agree who leads 1.1.9”").click()
    page.wait_for_load_state()
    assert page.get_by_text("closed: its items are met").is_visible()
    with scopes_disabled():
        assert ImprovementAction.objects.get(title__endswith="1.1.9").status == ActionStatus.DONE

    with scopes_disabled():
        item = assessment.responses.get(item__ref="1.1.5")
    page.goto(live_url(reverse("assessments:item", args=[org.slug, item.pk])))
    assert page.get_by_text("The answer does not say who it is").is_visible()
    assert_accessible(page)
    _shot(page, "item-specifics")
    page.goto(live_url(f"/o/{org.slug}/"))
    assert_accessible(page)
    _shot(page, "home")


def test_staff_preview_the_official_list_in_the_admin(
    browser_page, live_url, assert_accessible, tmp_path
):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.assessments.spreadsheet_factory import nhs_workbook
    from tests.factories import give_totp

    secret = "JBSWY3DPEHPK3PXP"
    staff = UserFactory(email="support@platform.example", is_staff=True, is_superuser=True)
    give_totp(staff, secret)
    page = browser_page
    page.goto(live_url("/admin/login/?next=/admin/"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    if time.time() % 30 > 25:
        time.sleep(31 - time.time() % 30)
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    page.goto(live_url(reverse("admin:assessments_catalogueversion_changelist")))
    page.get_by_role("link", name="Load the official list").click()
    assert_accessible(page)
    _shot(page, "admin-import")
    file = tmp_path / "Version8_25-26 CAT2 Cat3 and CAT4.xlsx"
    file.write_bytes(nhs_workbook())
    page.get_by_label("The DSPT spreadsheet (.xlsx)").set_input_files(str(file))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.get_by_text("6 items").is_visible()
    assert_accessible(page)
    _shot(page, "admin-import-preview")
    page.get_by_role("button", name="Load this list").click()
    page.wait_for_load_state()
    assert page.get_by_text("Loaded 2025-26 (DSPT v8, official list)").is_visible()
