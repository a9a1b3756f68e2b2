"""No password-only way in: every sign-in, the admin's included, goes through allauth and,
for everyone who must use one, through the second factor in this very session."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from organisations.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXP"


def current_code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def superuser():
    user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    give_totp(user, SECRET)
    return user


def test_a_correct_password_at_admin_login_is_not_enough(superuser):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": superuser.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    page = client.get("/admin/")
    assert page.status_code == 302 and "/admin/" != page["Location"]
    assert client.get("/admin/accounts/user/").status_code == 302


def test_admin_login_sends_staff_to_the_sign_in_with_its_second_factor(superuser):
    client = Client()
    login_page = client.get("/admin/login/?next=/admin/", follow=True)
    assert login_page.request["PATH_INFO"] == reverse("account_login")
    step = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": superuser.email, "password": PASSWORD},
    )
    assert step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    done = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_that_skipped_the_second_factor_is_ended(organisation):
    consultant = MembershipFactory(organisation=organisation, role=Role.CONSULTANT).user
    give_totp(consultant, SECRET)
    client = Client()  # plain Django client: force_login records no second factor
    client.force_login(consultant)
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_members_who_need_no_second_factor_are_not_asked_for_one(organisation):
    editor = MembershipFactory(organisation=organisation, role=Role.EDITOR).user
    client = Client()
    client.force_login(editor)
    assert client.get(f"/o/{organisation.slug}/").status_code == 200


def test_enrolling_in_this_session_counts_as_passing_the_second_factor(organisation):
    consultant = MembershipFactory(organisation=organisation, role=Role.CONSULTANT).user
    client = Client()
    client.post(reverse("account_login"), {"login": consultant.email, "password": PASSWORD})
    assert client.get("/orgs/")["Location"] == reverse("mfa_activate_totp")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert client.get("/orgs/").status_code == 200
    assert "_auth_user_id" in client.session


def test_after_setting_up_two_step_sign_in_the_recovery_codes_page_leads_on(organisation):
    consultant = MembershipFactory(organisation=organisation, role=Role.CONSULTANT).user
    client = Client()
    client.post(reverse("account_login"), {"login": consultant.email, "password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    codes = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)}, follow=True)

    assert codes.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    onward = reverse("organisations:landing")
    assert f'href="{onward}"' in codes.text and "Continue to DSPT Portal" in codes.text
    assert client.get(onward, follow=True).redirect_chain[-1][0] == reverse(
        "organisations:portfolio"
    )
