"""Platform staff in the admin: they read a home's record but cannot rewrite it; what support
must change goes through explicit actions, each in the home's activity log with their name."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import (
    Approval,
    AssessmentStatus,
    Comment,
    ImprovementAction,
    ImprovementActionItem,
)
from organisations.models import ActivityLog, Membership, Role
from tests.assessments.factories import answer, assessment_for
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db

SECRET = "KRSXG5CTMVRXEZLUKN2XAZLSNFXG4ZLT"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True, full_name="Sam Support")
    give_totp(user)
    client.force_login(user)
    client.user = user
    return client


def _entries(organisation, action):
    with scopes_disabled():
        return list(ActivityLog.objects.filter(organisation=organisation, action=action))


def test_no_admin_page_shows_or_edits_a_second_factor_secret(staff, organisation):
    person = MembershipFactory(organisation=organisation).user
    give_totp(person, SECRET)
    device = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    url = reverse("admin:mfa_authenticator_change", args=[device.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert SECRET not in page.text and "secret" not in page.text.lower()
    staff.post(url, {"user": person.pk, "type": "totp", "data": '{"secret": "AAAA"}'})
    device.refresh_from_db()
    assert device.data == Authenticator.objects.get(pk=device.pk).data
    assert "AAAA" not in str(device.data)
    listing = staff.get(reverse("admin:mfa_authenticator_changelist"))
    assert SECRET not in listing.text


def test_staff_remove_a_second_factor_and_each_home_sees_who_did(staff, organisation):
    elsewhere = OrganisationFactory()
    person = MembershipFactory(organisation=organisation).user
    MembershipFactory(organisation=elsewhere, user=person)
    give_totp(person, SECRET)
    device = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    staff.post(
        reverse("admin:mfa_authenticator_changelist"),
        {"action": "remove_second_factor", "_selected_action": [device.pk]},
    )
    assert not Authenticator.objects.filter(user=person).exists()
    for org in (organisation, elsewhere):
        [entry] = _entries(org, "user.second_factor_removed")
        assert entry.actor == staff.user
        assert entry.changes["by_platform_staff"] == "Sam Support"


@pytest.mark.parametrize("model", ["response", "comment", "approval", "assessment"])
def test_a_homes_record_is_read_only_in_the_admin(staff, organisation, model):
    assessment = assessment_for(organisation)
    with scopes_disabled():
        response = answer(assessment.responses.first(), narrative="Ours, as written.")
        comment = Comment.objects.create(
            organisation=organisation, response=response, text="Checked by Tom."
        )
        approval = Approval.objects.create(
            organisation=organisation,
            assessment=assessment,
            revision=1,
            outcome_level="met",
            approved_at=timezone.now(),
        )
    obj = {"response": response, "comment": comment, "approval": approval}.get(model, assessment)
    change = reverse(f"admin:assessments_{model}_change", args=[obj.pk])
    assert staff.get(change).status_code == 200
    edit = staff.post(change, {"narrative": "Rewritten", "text": "Rewritten", "status": "draft"})
    assert edit.status_code == 403
    delete = staff.post(reverse(f"admin:assessments_{model}_delete", args=[obj.pk]), {"post": "1"})
    assert delete.status_code == 403
    with scopes_disabled():
        type(obj).objects.get(pk=obj.pk)  # still there
        response.refresh_from_db()
        comment.refresh_from_db()
    assert response.narrative == "Ours, as written." and comment.text == "Checked by Tom."


def test_unlocking_an_assessment_is_an_action_in_the_homes_log(staff, organisation):
    assessment = assessment_for(organisation, status=AssessmentStatus.AWAITING_APPROVAL)
    staff.post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": "unlock_for_changes", "_selected_action": [assessment.pk]},
    )
    with scopes_disabled():
        assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    [entry] = _entries(organisation, "assessment.unlocked_by_support")
    assert entry.changes["by_platform_staff"] == "Sam Support"


def test_removing_a_comments_text_is_logged(staff, organisation):
    assessment = assessment_for(organisation)
    with scopes_disabled():
        comment = Comment.objects.create(
            organisation=organisation, response=assessment.responses.first(), text="NHS no. 123"
        )
    staff.post(
        reverse("admin:assessments_comment_changelist"),
        {"action": "redact", "_selected_action": [comment.pk]},
    )
    with scopes_disabled():
        comment.refresh_from_db()
    assert "123" not in comment.text
    assert _entries(organisation, "comment.removed_by_support")[0].actor == staff.user


def test_the_improvement_action_page_opens(staff, organisation):
    assessment = assessment_for(organisation)
    with scopes_disabled():
        action = ImprovementAction.objects.create(
            organisation=organisation, assessment=assessment, title="Train the night staff"
        )
        ImprovementActionItem.objects.create(
            organisation=organisation, action=action, response=assessment.responses.first()
        )
    page = staff.get(reverse("admin:assessments_improvementaction_change", args=[action.pk]))
    assert page.status_code == 200
    assert "Train the night staff" in page.text


def test_people_who_wrote_something_are_deactivated_not_deleted(staff, organisation, client_as):
    elsewhere = OrganisationFactory()
    author = client_as(Role.EDITOR)
    MembershipFactory(organisation=elsewhere, user=author.user)
    assert author.get(f"/o/{organisation.slug}/").status_code == 200
    with scopes_disabled():
        ActivityLog.objects.create(
            organisation=organisation, actor=author.user, action="response.updated"
        )
    delete = staff.post(
        reverse("admin:accounts_user_delete", args=[author.user.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    staff.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [author.user.pk]},
    )
    author.user.refresh_from_db()
    assert not author.user.is_active
    assert author.get(f"/o/{organisation.slug}/").status_code == 302  # signed out
    for org in (organisation, elsewhere):
        [entry] = _entries(org, "user.deactivated")
        assert entry.changes["by_platform_staff"] == "Sam Support"
    with scopes_disabled():
        assert Membership.objects.filter(user=author.user).count() == 2


def test_a_membership_changed_by_staff_is_in_the_homes_log(staff, organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.VIEWER)
    staff.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {"user": membership.user.pk, "organisation": organisation.pk, "role": Role.ADMIN},
    )
    with scopes_disabled():
        membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    [entry] = _entries(organisation, "membership.changed_by_support")
    assert entry.changes["fields"] == ["role"]
