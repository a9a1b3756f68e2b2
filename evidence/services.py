"""Writes for the evidence library and the staff training register. Each records activity.

Other apps: `from evidence.services import training_summary, TrainingSummary` (the 3.2.1
figure; see evidence/training.py for the scope rules).
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from organisations.services import activity_record, changes_between, snapshot

from .models import (
    Document,
    DocumentVersion,
    StaffMember,
    TrainingRecord,
    default_next_review,
)
from .training import TrainingSummary, training_summary
from .uploads import CheckedUpload

logger = logging.getLogger(__name__)

__all__ = [
    "UploadFailed",
    "TrainingSummary",
    "training_summary",
    "document_create",
    "document_update",
    "document_archive",
    "document_restore",
    "document_purge",
    "documents_purge",
    "version_add",
    "staff_member_save",
    "training_record_add",
    "training_record_delete",
    "DOCUMENT_FIELDS",
]

DOCUMENT_FIELDS = [
    "title",
    "kind",
    "owner",
    "effective_on",
    "last_reviewed_on",
    "next_review_due",
    "location",
    "notes",
]
STAFF_FIELDS = [
    "name",
    "job_title",
    "started_on",
    "left_on",
    "is_director",
    "is_volunteer",
    "is_agency",
    "has_data_access",
]


def _fill_next_review(document: Document) -> None:
    if document.next_review_due is None:
        document.next_review_due = default_next_review(document.kind, document.last_reviewed_on)


@transaction.atomic
def document_create(
    *,
    organisation,
    data: dict[str, Any],
    by,
    file: UploadedFile | None = None,
    checked: CheckedUpload | None = None,
    request=None,
) -> Document:
    """A new library document, with its first version when a (checked) file comes with it."""
    document = Document(organisation=organisation, created_by=by, **data)
    _fill_next_review(document)
    document.full_clean()
    document.save()
    activity_record(
        organisation=organisation,
        actor=by,
        action="document.created",
        target=document,
        changes=changes_between({}, document, DOCUMENT_FIELDS),
        request=request,
    )
    if file is not None and checked is not None:
        version_add(document=document, file=file, checked=checked, by=by, request=request)
    return document


@transaction.atomic
def document_update(*, document: Document, before: dict[str, Any], by, request=None) -> Document:
    """Save an edited (already validated) document and record what changed."""
    if before.get("next_review_due") == document.next_review_due and (
        before.get("last_reviewed_on") != document.last_reviewed_on
        or before.get("kind") != document.kind
    ):
        # The review date was not set by hand: move it with the new review.
        document.next_review_due = None
    _fill_next_review(document)
    document.save()
    diff = changes_between(before, document, DOCUMENT_FIELDS)
    if diff:
        activity_record(
            organisation=document.organisation,
            actor=by,
            action="document.updated",
            target=document,
            changes=diff,
            request=request,
        )
    return document


@transaction.atomic
def document_archive(*, document: Document, by, request=None) -> Document:
    """Take a document out of the library; an admin can restore it for 30 days.

    Refused while it backs any response. Its versions and files stay until the purge."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.archived_at is not None:
        return document  # a second click: already archived
    if document.links.exists():
        raise ValidationError("This document backs answers in an assessment. Unlink it first.")
    document.archived_at = timezone.now()
    document.archived_by = by
    document.save(update_fields=["archived_at", "archived_by", "updated_at"])
    activity_record(
        organisation=document.organisation,
        actor=by,
        action="document.archived",
        target=document,
        changes={"versions": document.versions.count(), "purge_on": document.purge_on.isoformat()},
        request=request,
    )
    return document


@transaction.atomic
def document_restore(*, document: Document, by, request=None) -> Document:
    """Put an archived document back in the library, with all its versions."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.archived_at is None:
        return document
    archived_at = document.archived_at
    document.archived_at = None
    document.archived_by = None
    document.save(update_fields=["archived_at", "archived_by", "updated_at"])
    activity_record(
        organisation=document.organisation,
        actor=by,
        action="document.restored",
        target=document,
        changes={"archived_at": archived_at.isoformat()},
        request=request,
    )
    return document


@transaction.atomic
def document_purge(*, document: Document) -> None:
    """Delete an archived document, its versions and, once committed, its files."""
    names = list(DocumentVersion.objects.filter(document=document).values_list("file", flat=True))
    activity_record(
        organisation=document.organisation,
        actor=None,
        action="document.purged",
        target=document,
        changes={"versions": len(names), "archived_at": document.archived_at.isoformat()},
    )
    storage = version_storage()
    document.delete()
    # Remove the files only once the rows are gone for good.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def documents_purge(*, now=None) -> int:
    """Purge every document archived longer than the restore period (all organisations)."""
    with scopes_disabled():
        due = list(Document.objects.archived().purge_due(now).select_related("organisation"))
    for document in due:
        with scope(organisation=document.organisation):
            document_purge(document=document)
    return len(due)


class UploadFailed(ValidationError):
    """The file could not be stored (disk full, storage unreachable). Nothing was saved."""


UPLOAD_FAILED_MESSAGE = (
    "The upload failed: we could not store the file, so nothing was saved. "
    "Try again in a few minutes. If it keeps failing, tell your administrator."
)


def _delete_quietly(storage, name: str) -> None:
    """Remove what a failed save left; if even that fails, `orphaned_files` finds it later."""
    try:
        storage.delete(name)
    except Exception:
        logger.exception("Could not remove %s after a failed upload", name)


def version_storage():
    return DocumentVersion._meta.get_field("file").storage


@transaction.atomic
def version_add(
    *, document: Document, file: UploadedFile, checked: CheckedUpload, by, request=None
) -> DocumentVersion:
    """Store a checked file as the document's next version; earlier versions stay as they are."""
    # Lock the document row so two uploads at once cannot take the same number.
    Document.objects.select_for_update().filter(pk=document.pk).first()
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        organisation_id=document.organisation_id,
        document=document,
        number=number,
        original_name=checked.display_name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    storage = version_storage()
    name = version.file.field.generate_filename(version, checked.display_name)  # org_<id>/...
    try:
        file.seek(0)
        version.file.name = storage.save(name, file, max_length=version.file.field.max_length)
    except Exception as exc:
        # Disk full, S3 down...: a partial file may be on disk under `name`.
        logger.exception("Storing %s for document %s failed", name, document.pk)
        _delete_quietly(storage, name)
        raise UploadFailed(UPLOAD_FAILED_MESSAGE, code="storage") from exc
    try:
        version.full_clean(exclude=["file", "uploaded_by"])
        version.save()
        activity_record(
            organisation=document.organisation,
            actor=by,
            action="document.version_added",
            target=document,
            changes={"version": number, "file": checked.display_name, "sha256": checked.sha256},
            request=request,
        )
    except Exception:
        _delete_quietly(storage, version.file.name)  # leave nothing behind in storage
        raise
    return version


@transaction.atomic
def staff_member_save(
    *, staff_member: StaffMember, before: dict[str, Any] | None, by, request=None
) -> StaffMember:
    """Create or update a person on the training register."""
    created = staff_member.pk is None
    staff_member.full_clean()
    staff_member.save()
    diff = changes_between(before or {}, staff_member, STAFF_FIELDS)
    if created or diff:
        activity_record(
            organisation=staff_member.organisation,
            actor=by,
            action="staff.created" if created else "staff.updated",
            target=staff_member,
            changes=diff,
            request=request,
        )
    return staff_member


@transaction.atomic
def training_record_add(*, record: TrainingRecord, by, request=None) -> TrainingRecord:
    record.organisation_id = record.staff_member.organisation_id
    record.created_by = by
    record.full_clean()
    record.save()
    activity_record(
        organisation=record.staff_member.organisation,
        actor=by,
        action="training.recorded",
        target=record.staff_member,
        changes={"course": record.course, "completed_on": record.completed_on.isoformat()},
        request=request,
    )
    return record


@transaction.atomic
def training_record_delete(*, record: TrainingRecord, by, request=None) -> None:
    activity_record(
        organisation=record.staff_member.organisation,
        actor=by,
        action="training.deleted",
        target=record.staff_member,
        changes={"course": record.course, "completed_on": record.completed_on.isoformat()},
        request=request,
    )
    record.delete()


def document_snapshot(document: Document) -> dict[str, Any]:
    return snapshot(document, DOCUMENT_FIELDS)
