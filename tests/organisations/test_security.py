"""Two-step sign-in rules, sessions and the audit of sign-ins."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Membership, Organisation, Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db


def test_members_of_an_organisation_that_requires_mfa_must_enrol_first(client, organisation):
    organisation.require_mfa = True
    organisation.save()
    user = MembershipFactory(organisation=organisation, role=Role.VIEWER).user
    client.force_login(user)
    response = client.get(f"/o/{organisation.slug}/")
    assert response["Location"] == reverse("mfa_activate_totp")
    give_totp(user)  # a device added elsewhere: this session never used it
    assert client.get(f"/o/{organisation.slug}/")["Location"].startswith(reverse("account_login"))
    client.force_login(user)  # signed in again, with password and code
    assert client.get(f"/o/{organisation.slug}/").status_code == 200


def test_consultants_must_enrol_by_platform_rule(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Role.CONSULTANT).user
    client.force_login(user)
    assert client.get("/orgs/")["Location"] == reverse("mfa_activate_totp")


@override_settings(MFA_REQUIRED_FOR_CONSULTANTS_AND_STAFF=False)
def test_the_platform_rule_can_be_switched_off(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Role.CONSULTANT).user
    client.force_login(user)
    assert client.get("/orgs/").status_code == 200


def test_staff_must_enrol(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_users_without_a_rule_are_not_forced(client_as, organisation):
    assert client_as(Role.EDITOR).get(f"/o/{organisation.slug}/").status_code == 200


def test_sign_ins_and_failed_sign_ins_are_recorded(client):
    user = UserFactory(email="audit@example.org")
    client.post(
        reverse("account_login"), {"login": "audit@example.org", "password": "wrong-password"}
    )
    client.post(reverse("account_login"), {"login": "audit@example.org", "password": PASSWORD})
    with scopes_disabled():
        actions = list(
            ActivityLog.objects.filter(organisation=None).values_list("action", flat=True)
        )
    assert "user.login_failed" in actions and "user.login" in actions
    with scopes_disabled():
        assert ActivityLog.objects.get(action="user.login").actor == user


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip,3/5m/key"})
def test_repeated_failed_sign_ins_are_slowed_down(client):
    from django.core.cache import cache

    cache.clear()
    UserFactory(email="target@example.org")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "guess"})
    response = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200  # the sign-in form again, with the reason
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_user_can_sign_out_of_every_other_session(client):
    user = UserFactory()
    other = type(client)()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    other.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert other.get("/orgs/").status_code == 200
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    client.post(reverse("usersessions_list"), {})
    assert other.get("/orgs/").status_code == 302  # signed out elsewhere
    assert client.get("/orgs/").status_code == 200


def test_the_audit_page_shows_only_this_organisations_trail(
    client_as, organisation, other_organisation
):
    ActivityLog.objects.create(
        organisation=organisation, action="document.updated", object_repr="Ours"
    )
    ActivityLog.objects.create(
        organisation=other_organisation, action="document.updated", object_repr="Theirs"
    )
    response = client_as(Role.ADMIN).get(
        reverse("organisations:activity", args=[organisation.slug])
    )
    assert "Ours" in response.text and "Theirs" not in response.text


def test_seed_demo_is_repeatable_and_never_runs_in_production(capsys):
    call_command("seed_demo")
    counts = (Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (Organisation.objects.count(), Membership.objects.count()) == counts
    out = capsys.readouterr().out
    assert "manager@demo.example" in out
    assert "password: dspt-demo-2026" in out and "DEMO_PASSWORD" not in out
    with override_settings(DEMO_DATA_ALLOWED=False), pytest.raises(CommandError):
        call_command("seed_demo")
