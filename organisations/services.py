"""Writes that touch organisations, memberships, invitations and the audit trail."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scopes_disabled

from dspt_portal.client_ip import client_ip
from outbox.services import email_queue

from .models import ActivityLog, Invitation, Membership, Organisation, Role
from .signals import member_leaving


def activity_record(
    *,
    organisation: Organisation | None,
    actor,
    action: str,
    target: Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> ActivityLog:
    """Append one row to the audit trail: who did what to which object, and when."""
    actor = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    return ActivityLog.objects.create(
        organisation=organisation,
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=str(target)[:250] if target is not None else "",
        changes=changes or {},
        ip_address=client_ip(request),
    )


def staff_action_record(
    *,
    organisations,
    staff,
    action: str,
    target: Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> list[ActivityLog]:
    """A platform staff member's support action, in the activity log of each organisation it
    touches, with the staff member's name (the organisation sees who did it and that it was
    done by platform support, not by one of its own people)."""
    name = staff.get_full_name() if staff is not None else ""
    changes = {**(changes or {}), "by_platform_staff": name}
    return [
        activity_record(
            organisation=org,
            actor=staff,
            action=action,
            target=target,
            changes=changes,
            request=request,
        )
        for org in organisations
    ]


def _json_value(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes_between(before: dict[str, Any], instance: Model, fields: list[str]) -> dict:
    """{field: [old, new]} for each field whose value changed."""
    diff = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            diff[name] = [_json_value(old), _json_value(new)]
    return diff


def snapshot(instance: Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def unique_slug_for(ods_code: str) -> str:
    """The URL key: the lower-cased ODS code, with a suffix only if it is taken."""
    base = slugify(ods_code) or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *, data: dict[str, Any], by, role: str = Role.ADMIN, request=None
) -> Organisation:
    """Create an organisation and make its creator a member (admin, or consultant for a client)."""
    organisation = Organisation(**data)
    organisation.slug = unique_slug_for(organisation.ods_code)
    organisation.full_clean()
    organisation.save()
    membership = Membership.objects.create(organisation=organisation, user=by, role=role)
    activity_record(
        organisation=organisation,
        actor=by,
        action="organisation.created",
        target=organisation,
        changes={k: _json_value(v) for k, v in data.items()},
        request=request,
    )
    activity_record(
        organisation=organisation,
        actor=by,
        action="membership.created",
        target=membership,
        changes={"role": [None, role]},
        request=request,
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, before: dict, by, request=None
) -> Organisation:
    """Save an edited organisation (already validated) and record what changed."""
    organisation.save()
    diff = changes_between(before, organisation, list(before))
    if diff:
        activity_record(
            organisation=organisation,
            actor=by,
            action="organisation.updated",
            target=organisation,
            changes=diff,
            request=request,
        )
    return organisation


def _admin_count(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count()


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by, request=None) -> Membership:
    """Change a member's role; the organisation's last admin cannot be demoted."""
    if membership.role == role:
        return membership
    # Lock the organisation's admin rows so two demotions cannot race past the rule.
    list(
        Membership.objects.select_for_update().filter(
            organisation=membership.organisation_id, role=Role.ADMIN
        )
    )
    if membership.role == Role.ADMIN and _admin_count(membership.organisation) <= 1:
        raise ValidationError(
            "This is the only admin. Make someone else an admin first, then change this role."
        )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    activity_record(
        organisation=membership.organisation,
        actor=by,
        action="membership.role_changed",
        target=membership,
        changes={"role": [old, role], "user": membership.user.email},
        request=request,
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by, request=None) -> None:
    """Remove a member; the organisation's last admin cannot be removed."""
    list(
        Membership.objects.select_for_update().filter(
            organisation=membership.organisation_id, role=Role.ADMIN
        )
    )
    if membership.role == Role.ADMIN and _admin_count(membership.organisation) <= 1:
        raise ValidationError(
            "This is the only admin. Make someone else an admin before removing them."
        )
    activity_record(
        organisation=membership.organisation,
        actor=by,
        action="membership.removed",
        target=membership,
        changes={"user": membership.user.email, "role": membership.role},
        request=request,
    )
    _release_key_roles(membership)
    membership.delete()


def _release_key_roles(membership: Membership) -> None:
    """Someone who leaves stops being a named key person and stops owning items, so no
    reminder or approval request about this organisation reaches them any more.

    The items they own live in higher apps (documents, actions, answers): those apps release
    them on `member_leaving`, in this transaction."""
    organisation, user_id = membership.organisation, membership.user_id
    cleared = []
    for field in ("ig_lead", "senior_accountable_person"):
        if getattr(organisation, f"{field}_id") == user_id:
            setattr(organisation, field, None)
            cleared.append(field)
    if cleared:
        organisation.save(update_fields=[*cleared, "updated_at"])
    member_leaving.send(sender=Membership, organisation=organisation, user_id=user_id)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("organisations:invitation_accept", args=[invitation.token])


@transaction.atomic
def can_grant(organisation: Organisation, by, role: str) -> bool:
    """Whether `by` may give (or take back an invitation for) this role here. A consultant
    may bring people in, but only an admin can make another admin. Platform staff acting
    from the admin are no member and may."""
    inviter = Membership.objects.filter(organisation=organisation, user=by).first()
    return inviter is None or inviter.can_manage or role != Role.ADMIN


def invitation_create(
    *, organisation: Organisation, email: str, role: str, by, request=None
) -> Invitation:
    """Invite someone by email; a newer invitation to the same address replaces the old one,
    but only if the inviter could have granted the old one's role."""
    email = email.strip().lower()
    if not can_grant(organisation, by, role):
        raise ValidationError({"role": "Only an admin of this organisation can invite an admin."})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation.name}."})
    now = timezone.now()
    pending = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if any(not can_grant(organisation, by, old) for old in pending.values_list("role", flat=True)):
        raise ValidationError(
            {
                "email": f"{email} already has an invitation as admin. Only an admin of "
                f"{organisation.name} can change or withdraw it."
            }
        )
    pending.update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=by,
        expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    activity_record(
        organisation=organisation,
        actor=by,
        action="invitation.created",
        target=invitation,
        changes={"email": email, "role": role},
        request=request,
    )
    invitation_send(invitation=invitation)
    return invitation


def invitation_send(*, invitation: Invitation) -> None:
    """Record the invitation email in the outbox; it goes out once the transaction commits."""
    email_queue(
        "invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "url": invitation_url(invitation),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by, request=None) -> None:
    if not can_grant(invitation.organisation, by, invitation.role):
        raise ValidationError(
            "Only an admin of this organisation can withdraw an admin's invitation."
        )
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    activity_record(
        organisation=invitation.organisation,
        actor=by,
        action="invitation.revoked",
        target=invitation,
        changes={"email": invitation.email},
        request=request,
    )


def invitation_by_token(token: str) -> Invitation | None:
    with scopes_disabled():
        return (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(token=token)
            .first()
        )


def invitations_waiting_for(user) -> list[Invitation]:
    """Pending invitations to the user's own, verified address: someone who signed up without
    following the email's link still finds the organisation that invited them."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    addresses = {e.lower() for e in verified}
    if not addresses:
        return []
    with scopes_disabled():
        waiting = Invitation.objects.pending().select_related("organisation", "invited_by")
        return [i for i in waiting.filter(email__in=addresses)]


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, request=None) -> Membership:
    """Join the organisation. The signed-in email must be the one invited."""
    if not invitation.is_pending:
        raise ValidationError(f"This invitation is {invitation.status.lower()}.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out and sign in (or create an account) with {invitation.email}."
        )
    with scopes_disabled():
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now(), accepted_by=user
        )
    if claimed != 1:
        raise ValidationError("This invitation has already been used.")
    try:
        with transaction.atomic():
            membership, created = Membership.objects.get_or_create(
                organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
            )
    except IntegrityError:  # pragma: no cover - a double click racing itself
        membership, created = (
            Membership.objects.get(organisation=invitation.organisation, user=user),
            False,
        )
    activity_record(
        organisation=invitation.organisation,
        actor=user,
        action="invitation.accepted",
        target=membership,
        changes={"email": invitation.email, "role": membership.role, "new_member": created},
        request=request,
    )
    return membership
