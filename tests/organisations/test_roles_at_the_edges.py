"""Roles hold at the edges: a consultant cannot undo an admin's invitation by inviting the same
address with a lesser role, nor withdraw or resend it; viewers cannot queue reports."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Invitation, Role
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_invitation(organisation):
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    return InvitationFactory(
        organisation=organisation, email="deputy@example.org", role=Role.ADMIN, invited_by=admin
    )


def _pending(organisation):
    with scopes_disabled():
        return list(
            Invitation.objects.filter(
                organisation=organisation, accepted_at=None, revoked_at=None
            ).values_list("email", "role")
        )


def test_a_consultant_cannot_replace_an_admins_invitation(
    client_as, organisation, admin_invitation
):
    response = client_as(Role.CONSULTANT).post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "Deputy@example.org", "role": Role.EDITOR},
    )
    assert response.status_code == 400
    assert "Only an admin" in str(response.context["form"].errors)
    assert _pending(organisation) == [("deputy@example.org", Role.ADMIN)]


def test_an_admin_can_replace_it(client_as, organisation, admin_invitation):
    client_as(Role.ADMIN).post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "deputy@example.org", "role": Role.EDITOR},
    )
    assert _pending(organisation) == [("deputy@example.org", Role.EDITOR)]


@pytest.mark.parametrize("name", ["invitation_resend", "invitation_revoke"])
def test_a_consultant_resending_or_withdrawing_an_admins_invitation_is_told_why(
    client_as, organisation, admin_invitation, name
):
    response = client_as(Role.CONSULTANT).post(
        reverse(f"organisations:{name}", args=[organisation.slug, admin_invitation.pk])
    )
    assert response.status_code == 403
    assert "Only an admin of" in response.text
    assert _pending(organisation) == [("deputy@example.org", Role.ADMIN)]


def test_the_members_page_offers_a_consultant_no_button_it_would_refuse(
    client_as, organisation, admin_invitation
):
    page = client_as(Role.CONSULTANT).get(
        reverse("organisations:members", args=[organisation.slug])
    )
    resend = reverse(
        "organisations:invitation_resend", args=[organisation.slug, admin_invitation.pk]
    )
    assert resend not in page.text
    assert "Only an admin can change this invitation" in page.text
