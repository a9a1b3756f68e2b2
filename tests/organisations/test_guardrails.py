"""Who may grant power: a consultant cannot make admins, name the approver or attach a home to
another head office; a member who leaves stops being a key person and an owner."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import ImprovementAction
from evidence.models import Document
from organisations.models import Invitation, Membership, Role
from tests.assessments.factories import assessment_for, catalogue_with
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_consultant_cannot_invite_an_admin(client_as, organisation):
    client = client_as(Role.CONSULTANT)
    response = client.post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "friend@example.org", "role": Role.ADMIN},
    )
    assert response.status_code == 400
    assert "Only an admin" in str(response.context["form"].errors)
    assert not Invitation.objects.exists()
    client.post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "manager@example.org", "role": Role.EDITOR},
    )
    with scopes_disabled():
        assert Invitation.objects.get().role == Role.EDITOR


def test_an_admin_can_invite_an_admin(client_as, organisation):
    client_as(Role.ADMIN).post(
        reverse("organisations:members", args=[organisation.slug]),
        {"email": "deputy@example.org", "role": Role.ADMIN},
    )
    with scopes_disabled():
        assert Invitation.objects.get().role == Role.ADMIN


def _settings(org, **extra):
    data = {"name": org.name, "ods_code": org.ods_code, "service_type": org.service_type}
    data.update(extra)
    return data


def test_a_consultant_cannot_name_themselves_senior_accountable_person(client_as, organisation):
    client = client_as(Role.CONSULTANT)
    page = client.get(reverse("organisations:settings", args=[organisation.slug])).text
    assert "Only an admin of this organisation can change this." in page
    client.post(
        reverse("organisations:settings", args=[organisation.slug]),
        _settings(
            organisation,
            senior_accountable_person=client.user.pk,
            ig_lead=client.user.pk,
            registered_manager_name="Priya Shah",
        ),
    )
    organisation.refresh_from_db()
    assert organisation.senior_accountable_person is None and organisation.ig_lead is None
    assert organisation.registered_manager_name == "Priya Shah"  # the rest still saves


def test_a_head_office_must_be_one_the_editor_is_admin_of(client_as, organisation):
    client = client_as(Role.ADMIN)
    elsewhere = OrganisationFactory(name="Not mine to run", ods_code="A9Z9", slug="a9z9")
    MembershipFactory(organisation=elsewhere, user=client.user, role=Role.EDITOR)
    response = client.post(
        reverse("organisations:settings", args=[organisation.slug]),
        _settings(organisation, parent=elsewhere.pk),
    )
    assert "parent" in response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.parent is None


def test_a_member_who_leaves_is_no_longer_a_key_person_or_owner(client_as, organisation):
    leaver = UserFactory()
    MembershipFactory(organisation=organisation, user=leaver, role=Role.EDITOR)
    organisation.ig_lead = organisation.senior_accountable_person = leaver
    organisation.save()
    doc = Document.objects.create(organisation=organisation, title="DP policy", owner=leaver)
    assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    action = ImprovementAction.objects.create(
        organisation=organisation, assessment=assessment, title="Do it", owner=leaver
    )
    with scopes_disabled():
        response = assessment.responses.get()
    response.owner = leaver
    response.save()
    membership = Membership.objects.get(user=leaver)
    client_as(Role.ADMIN).post(
        reverse("organisations:member_remove", args=[organisation.slug, membership.pk])
    )
    organisation.refresh_from_db()
    assert organisation.ig_lead is None and organisation.senior_accountable_person is None
    for obj in (doc, action, response):
        obj.refresh_from_db()
        assert obj.owner is None
