"""The organisation comes from the URL, and only members get in."""

import re

import pytest
from django.urls import reverse
from django_scopes import ScopeError
from django_scopes.state import state

from organisations.models import Invitation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_tenant_query_without_a_scope_fails_loudly(organisation):
    token = state.set({})  # as in a request without an organisation
    try:
        with pytest.raises(ScopeError):
            list(Invitation.objects.all())
    finally:
        state.reset(token)


def test_unknown_organisation_and_someone_elses_look_the_same(client_as, other_organisation):
    client = client_as(Role.ADMIN)
    unknown = client.get("/o/does-not-exist/")
    not_mine = client.get(f"/o/{other_organisation.slug}/")
    assert unknown.status_code == not_mine.status_code == 404
    csrf = re.compile(rb'"X-CSRFToken": "[^"]*"')
    assert csrf.sub(b"", unknown.content) == csrf.sub(b"", not_mine.content)


def test_one_organisation_lands_on_it(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("organisations:landing"))
    assert response["Location"] == reverse(
        "organisations:home", args=[membership.organisation.slug]
    )


def test_several_organisations_land_on_the_chooser(client):
    user = UserFactory()
    first = MembershipFactory(user=user, organisation=OrganisationFactory(name="Alder House"))
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Birch Court"))
    client.force_login(user)
    response = client.get(reverse("organisations:landing"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisations:chooser")
    assert "Alder House" in response.text and "Birch Court" in response.text
    assert reverse("organisations:home", args=[first.organisation.slug]) in response.text


def test_no_organisation_offers_to_add_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("organisations:landing"))
    assert "Add your organisation" in response.text


def test_anonymous_landing_goes_to_sign_in(client):
    assert client.get("/")["Location"] == reverse("account_login")


def test_staff_get_no_implicit_membership(client, organisation):
    staff = UserFactory(is_staff=True, is_superuser=True)
    from tests.factories import give_totp

    give_totp(staff)
    client.force_login(staff)
    assert client.get(f"/o/{organisation.slug}/").status_code == 404


def test_only_staff_reach_the_admin(client_as, client):
    assert client_as(Role.ADMIN).get("/admin/").status_code == 302
    staff = UserFactory(is_staff=True, is_superuser=True)
    from tests.factories import give_totp

    give_totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/organisations/activitylog/").status_code == 200
    assert client.get("/admin/organisations/activitylog/add/").status_code == 403


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_staff_who_are_not_superusers_cannot_open_the_admin(client):
    from tests.factories import give_totp

    staff = UserFactory(is_staff=True, is_superuser=False)
    give_totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302  # to the admin login
    assert client.get("/platform/").status_code == 200


def test_tenant_ping_answers_members_only(client_as, other_organisation, organisation):
    client = client_as(Role.VIEWER)
    response = client.get(reverse("tenant_ping", args=[organisation.slug]))
    assert response.status_code == 200
    assert response.content == f"ok {organisation.slug}\n".encode()
    assert client.get(reverse("tenant_ping", args=[other_organisation.slug])).status_code == 404
