"""Closing an organisation: an admin asks, the organisation turns read-only for a grace
period, then a daily task erases its data and files. Staff can restore it until then.

Erasure deletes the organisation row (every tenant row cascades from it), its activity log,
and every stored file under its `org_<id>/` prefix. Apps whose rows a cascade does not
reach are told through `organisations.signals.organisation_erased`. What is kept: the
`OrganisationClosure` record (name, ODS code, who closed it, when, when erased) and one
activity entry with no organisation. User accounts stay: people may belong elsewhere.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import (
    CLOSURE_GRACE_DAYS,
    ActivityLog,
    Invitation,
    Organisation,
    OrganisationClosure,
)
from .services import activity_record, staff_action_record
from .signals import organisation_erased

logger = logging.getLogger(__name__)


@transaction.atomic
def organisation_close(*, organisation: Organisation, by, request=None) -> OrganisationClosure:
    """Start the grace period: read-only from now, erased CLOSURE_GRACE_DAYS from today."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.closes_on is not None:
        raise ValidationError(f"{organisation.name} is already closing.")
    organisation.closes_on = timezone.localdate() + dt.timedelta(days=CLOSURE_GRACE_DAYS)
    organisation.save(update_fields=["closes_on", "updated_at"])
    # Nobody new joins an organisation that is closing (accepting is not under /o/<org>/).
    with scopes_disabled():
        withdrawn = (
            Invitation.objects.filter(organisation=organisation)
            .pending()
            .update(revoked_at=timezone.now())
        )
    closure = OrganisationClosure.objects.create(
        organisation=organisation,
        name=organisation.name,
        ods_code=organisation.ods_code,
        closed_by=by,
        closed_by_email=by.email,
        erase_on=organisation.closes_on,
    )
    activity_record(
        organisation=organisation,
        actor=by,
        action="organisation.closing",
        target=organisation,
        changes={
            "erase_on": organisation.closes_on.isoformat(),
            "invitations_withdrawn": withdrawn,
        },
        request=request,
    )
    return closure


@transaction.atomic
def organisation_closure_restore(
    *, closure: OrganisationClosure, staff, request=None
) -> OrganisationClosure:
    """Platform staff cancel a closure before the erasure: the organisation works again."""
    closure = OrganisationClosure.objects.select_for_update().get(pk=closure.pk)
    if closure.erased_at or closure.restored_at or closure.organisation_id is None:
        raise ValidationError(f"{closure.name} can no longer be restored ({closure.status}).")
    Organisation.objects.filter(pk=closure.organisation_id).update(
        closes_on=None, updated_at=timezone.now()
    )
    closure.restored_at = timezone.now()
    closure.restored_by_email = staff.email
    closure.save(update_fields=["restored_at", "restored_by_email"])
    staff_action_record(
        organisations=[closure.organisation],
        staff=staff,
        action="organisation.closure_cancelled_by_support",
        target=closure.organisation,
        changes={"erase_on": closure.erase_on.isoformat()},
        request=request,
    )
    return closure


def _stored_files(prefix: str) -> list[str]:
    try:
        dirs, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    found = [f"{prefix}/{name}" for name in files]
    for name in dirs:
        found += _stored_files(f"{prefix}/{name}")
    return found


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the rows are gone; log it and go on with the other files
            logger.exception("Could not delete %s during an erasure", name)


@transaction.atomic
def organisation_erase(*, closure: OrganisationClosure) -> bool:
    """Erase the organisation of a due closure; False if it was restored or erased meanwhile."""
    closure = OrganisationClosure.objects.select_for_update().get(pk=closure.pk)
    if closure.erased_at or closure.restored_at or closure.organisation_id is None:
        return False
    with scopes_disabled():
        organisation = Organisation.objects.select_for_update().get(pk=closure.organisation_id)
        if organisation.closes_on is None or organisation.closes_on > timezone.localdate():
            return False
        files = _stored_files(f"org_{organisation.pk}")
        organisation.sites.update(parent=None)  # its sites are organisations of their own
        ActivityLog.objects.filter(organisation=organisation).delete()  # bypasses the guard
        org_id, name = organisation.pk, str(organisation)
        organisation.delete()  # every tenant row cascades from here
        organisation_erased.send(sender=Organisation, organisation_id=org_id)
    closure.erased_at = timezone.now()
    closure.save(update_fields=["erased_at"])
    activity_record(
        organisation=None,
        actor=None,
        action="organisation.erased",
        target=closure,
        changes={"organisation_id": org_id, "name": name, "files": len(files)},
    )
    transaction.on_commit(lambda: _delete_files(files))
    return True


def organisations_erase_due(*, today: dt.date | None = None) -> int:
    """Erase every organisation whose grace period is over (the daily task)."""
    today = today or timezone.localdate()
    due = OrganisationClosure.objects.filter(
        erased_at__isnull=True,
        restored_at__isnull=True,
        organisation__isnull=False,
        erase_on__lte=today,
    )
    return sum(organisation_erase(closure=closure) for closure in due)
