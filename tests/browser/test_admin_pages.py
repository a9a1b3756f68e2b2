"""Platform staff sign in at /admin/login/ through the portal's own sign-in, with their code,
and the admin pages they use pass axe (with the app's admin stylesheet) under the CSP."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from assessments.models import Comment, ImprovementAction
from organisations.models import ActivityLog, Role
from tests.assessments.factories import assessment_for
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "JBSWY3DPEHPK3PXP"


def _code() -> str:
    if time.time() % 30 > 25:  # codes are single-use: wait for a fresh window
        time.sleep(31 - time.time() % 30)
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


@pytest.fixture
def support_data():
    # allauth remembers used codes in the cache: one used by an earlier test in this 30-second
    # window (same secret) would be refused here as a replay.
    cache.clear()
    staff = UserFactory(
        email="support@platform.example", is_staff=True, is_superuser=True, full_name="Sam"
    )
    give_totp(staff, SECRET)
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    member = MembershipFactory(organisation=org, role=Role.EDITOR).user
    assessment = assessment_for(org)
    with scopes_disabled():
        response = assessment.responses.first()
        Comment.objects.create(organisation=org, response=response, text="Checked", author=member)
        action = ImprovementAction.objects.create(
            organisation=org, assessment=assessment, title="Train the night staff"
        )
        ActivityLog.objects.create(organisation=org, actor=member, action="response.updated")
    return staff, member, assessment, response, action


def test_staff_sign_in_at_admin_login_needs_the_code_and_admin_pages_pass_axe(
    browser_page, live_url, assert_accessible, screenshot, support_data
):
    staff, member, assessment, response, action = support_data
    page = browser_page
    page.goto(live_url("/admin/login/?next=/admin/"))
    assert "/accounts/login/" in page.url  # the portal's sign-in, not Django's form
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/authenticate/" in page.url  # the password was not enough
    page.locator("input[name=code]").fill(_code())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/")

    pages = {
        "admin-index": reverse("admin:index"),
        "admin-users": reverse("admin:accounts_user_changelist"),
        "admin-user": reverse("admin:accounts_user_change", args=[member.pk]),
        "admin-second-factors": reverse("admin:mfa_authenticator_changelist"),
        "admin-assessments": reverse("admin:assessments_assessment_changelist"),
        "admin-response": reverse("admin:assessments_response_change", args=[response.pk]),
        "admin-action": reverse("admin:assessments_improvementaction_change", args=[action.pk]),
        "admin-activity": reverse("admin:organisations_activitylog_changelist"),
        "admin-organisation": reverse(
            "admin:organisations_organisation_change", args=[assessment.organisation_id]
        ),
    }
    for name, path in pages.items():
        page.goto(live_url(path))
        expect(page.locator("#content"), path).to_be_visible()
        assert_accessible(page)
        if name in ("admin-index", "admin-users", "admin-response"):
            screenshot(page, name)
