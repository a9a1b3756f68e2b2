"""Where `/` takes each person after sign-in: one clear next step, never a dead end."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations import services
from organisations.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db


def test_a_consultant_lands_on_the_portfolio(client_as):
    consultant = client_as(Role.CONSULTANT)
    assert consultant.get(reverse("organisations:landing"))["Location"] == reverse(
        "organisations:portfolio"
    )


def test_platform_staff_land_on_the_platform_overview_not_add_an_organisation(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    give_totp(staff)
    client.force_login(staff)

    page = client.get(reverse("organisations:landing"), follow=True)

    assert page.redirect_chain[-1][0] == reverse("organisations:platform")
    assert "Add your organisation" not in page.text


def test_someone_invited_who_signs_up_without_the_link_is_offered_the_invitation(
    client, organisation
):
    inviter = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    with scopes_disabled():
        services.invitation_create(
            organisation=organisation, email="Sam@Larkspur.example", role=Role.EDITOR, by=inviter
        )
    mail.outbox.clear()
    password = "Tall-kettle-42-river"
    client.post(
        reverse("account_signup"),
        {
            "email": "sam@larkspur.example",
            "password1": password,
            "password2": password,
            "full_name": "Sam Patel",
        },
    )
    [confirm] = re.findall(r"http\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    landed = client.post(confirm.split("testserver")[-1], follow=True)

    assert "Ask them to invite" not in landed.text
    assert f"Join {organisation.name}" in landed.text
    join = client.post(
        re.search(r'action="([^"]*/invitations/[^"]+/)"', landed.text)[1], follow=True
    )
    assert join.redirect_chain[-1][0] == reverse("organisations:home", args=[organisation.slug])
    member = Membership.objects.get(organisation=organisation, user__email="sam@larkspur.example")
    assert member.role == Role.EDITOR


def test_an_unverified_address_is_not_offered_someone_elses_invitation(client, organisation):
    inviter = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    with scopes_disabled():
        services.invitation_create(
            organisation=organisation, email="sam@larkspur.example", role=Role.EDITOR, by=inviter
        )
    user = UserFactory(email="sam@larkspur.example")
    user.emailaddress_set.update(verified=False)
    client.force_login(user)

    page = client.get(reverse("organisations:landing"))

    assert f"Join {organisation.name}" not in page.text
    assert "Ask them to invite" in page.text
