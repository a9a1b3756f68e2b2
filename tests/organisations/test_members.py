"""Invitations, roles and the last-admin rule."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Invitation, Membership, Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.mail import deliver_emails

pytestmark = pytest.mark.django_db


def test_an_admin_invites_someone_by_email(
    client_as, organisation, django_capture_on_commit_callbacks
):
    client = client_as(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:members", args=[organisation.slug]),
            {"email": "New.Person@Example.org", "role": Role.EDITOR},
        )
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "new.person@example.org"
    sent = deliver_emails()
    assert len(sent) == 1
    message = sent[0]
    assert organisation.name in message.subject
    assert reverse("organisations:invitation_accept", args=[invitation.token]) in message.body
    assert message.alternatives[0][1] == "text/html"
    with scopes_disabled():
        assert ActivityLog.objects.filter(
            organisation=organisation, action="invitation.created"
        ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "editor"}, "This field is required"),
        ({"email": "not-an-email", "role": "editor"}, "valid email"),
        ({"email": "a" * 250 + "@example.org", "role": "editor"}, "at most 254"),
        ({"email": "ok@example.org", "role": "owner"}, "valid choice"),
    ],
)
def test_bad_invitations_get_a_message_at_the_field(client_as, organisation, data, message):
    response = client_as(Role.ADMIN).post(
        reverse("organisations:members", args=[organisation.slug]), data
    )
    assert response.status_code == 400
    assert message in str(response.context["form"].errors)
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_says_so(client_as, organisation, member):
    existing = member(Role.VIEWER)
    response = client_as(Role.ADMIN).post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": existing.email, "role": "editor"},
    )
    assert "already a member" in str(response.context["form"].errors["email"])


def test_a_new_person_accepts_by_creating_an_account(client, organisation):
    invitation = InvitationFactory(
        organisation=organisation, email="new@example.org", role=Role.EDITOR
    )
    url = reverse("organisations:invitation_accept", args=[invitation.token])
    page = client.get(url)
    assert "Create an account" in page.text
    # The invitation proves the address, so no separate verification email is needed.
    client.post(
        reverse("account_signup") + f"?next={url}",
        {
            "email": "new@example.org",
            "password1": "Tall-kettle-42-river",
            "password2": "Tall-kettle-42-river",
            "full_name": "New Person",
            "next": url,
        },
    )
    response = client.post(url)
    assert response["Location"] == reverse("organisations:home", args=[organisation.slug])
    assert (
        Membership.objects.get(organisation=organisation, user__email="new@example.org").role
        == Role.EDITOR
    )


def test_an_existing_account_accepts_after_signing_in(client, organisation):
    user = UserFactory(email="known@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="known@example.org", role=Role.VIEWER
    )
    client.force_login(user)
    client.post(reverse("organisations:invitation_accept", args=[invitation.token]))
    assert Membership.objects.get(organisation=organisation, user=user).role == Role.VIEWER
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    with scopes_disabled():
        assert ActivityLog.objects.filter(
            action="invitation.accepted", organisation=organisation
        ).exists()


def test_an_invitation_cannot_be_used_by_another_account(client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="right@example.org")
    client.force_login(UserFactory(email="wrong@example.org"))
    response = client.post(reverse("organisations:invitation_accept", args=[invitation.token]))
    assert response.status_code == 400
    assert "sent to right@example.org" in response.text
    assert not Membership.objects.filter(organisation=organisation).exists()


def test_invitations_expire(client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="late@example.org")
    client.force_login(UserFactory(email="late@example.org"))
    with time_machine.travel(invitation.expires_at + dt.timedelta(minutes=1)):
        response = client.post(reverse("organisations:invitation_accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "expired" in response.text
    assert not Membership.objects.filter(organisation=organisation).exists()


def test_a_withdrawn_invitation_cannot_be_used(client_as, client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="gone@example.org")
    client_as(Role.ADMIN).post(
        reverse("organisations:invitation_revoke", args=[organisation.slug, invitation.pk])
    )
    client.force_login(UserFactory(email="gone@example.org"))
    response = client.post(reverse("organisations:invitation_accept", args=[invitation.token]))
    assert response.status_code == 410


def test_an_unknown_invitation_link_explains_itself(client):
    response = client.get(reverse("organisations:invitation_accept", args=["nope"]))
    assert response.status_code == 404
    assert "could not find this invitation" in response.text


def test_an_admin_changes_a_role_and_it_is_recorded(client_as, organisation, member):
    target = member(Role.EDITOR)
    membership = Membership.objects.get(user=target)
    client_as(Role.ADMIN).post(
        reverse("organisations:member_role", args=[organisation.slug, membership.pk]),
        {"role": Role.VIEWER},
    )
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    with scopes_disabled():
        entry = ActivityLog.objects.get(action="membership.role_changed")
    assert entry.changes["role"] == ["editor", "viewer"]


def test_the_last_admin_cannot_be_demoted_or_removed(client_as, organisation):
    client = client_as(Role.ADMIN)
    membership = Membership.objects.get(user=client.user)
    response = client.post(
        reverse("organisations:member_role", args=[organisation.slug, membership.pk]),
        {"role": Role.VIEWER},
        follow=True,
    )
    assert "only admin" in response.text
    response = client.post(
        reverse("organisations:member_remove", args=[organisation.slug, membership.pk]), follow=True
    )
    assert "only admin" in response.text
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_with_two_admins_one_can_step_down(client_as, organisation, member):
    client = client_as(Role.ADMIN)
    member(Role.ADMIN)
    membership = Membership.objects.get(user=client.user)
    client.post(
        reverse("organisations:member_role", args=[organisation.slug, membership.pk]),
        {"role": Role.EDITOR},
    )
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR


def test_removing_a_member_ends_their_access(client_as, organisation, member, client):
    leaver = member(Role.EDITOR)
    membership = Membership.objects.get(user=leaver)
    client_as(Role.ADMIN).post(
        reverse("organisations:member_remove", args=[organisation.slug, membership.pk])
    )
    client.force_login(leaver)
    assert client.get(f"/o/{organisation.slug}/").status_code == 404
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="membership.removed").exists()


def test_a_member_of_another_organisation_cannot_be_changed_from_here(
    client_as, organisation, other_organisation
):
    elsewhere = MembershipFactory(organisation=other_organisation, role=Role.EDITOR)
    response = client_as(Role.ADMIN).post(
        reverse("organisations:member_role", args=[organisation.slug, elsewhere.pk]),
        {"role": Role.ADMIN},
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.EDITOR
