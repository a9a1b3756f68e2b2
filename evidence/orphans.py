"""Files in the evidence storage that no document version points at: left by an upload whose
database transaction rolled back after the file was stored, or a clean-up that failed."""

import datetime as dt
import re

from django.utils import timezone
from django_scopes import scopes_disabled

from .models import DocumentVersion

ORG_FOLDER = re.compile(r"^org_\d+$")
DOCUMENTS = "documents"


def _files_under(storage, path: str) -> list[str]:
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    found = [f"{path}/{name}" for name in files]
    for name in dirs:
        found += _files_under(storage, f"{path}/{name}")
    return found


def _modified(storage, name: str) -> dt.datetime | None:
    try:
        return storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return None


def orphaned_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Stored document files with no DocumentVersion row, sorted.

    Only files older than `older_than` count: an upload in progress has its file before
    its row is committed."""
    storage = DocumentVersion._meta.get_field("file").storage
    try:
        top_dirs, _ = storage.listdir("")
    except FileNotFoundError:
        return []
    stored = []
    for folder in sorted(d for d in top_dirs if ORG_FOLDER.match(d)):
        stored += _files_under(storage, f"{folder}/{DOCUMENTS}")
    with scopes_disabled():
        known = set(DocumentVersion.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    orphans = []
    for name in stored:
        if name in known:
            continue
        modified = _modified(storage, name)
        if modified is None or modified <= cutoff:
            orphans.append(name)
    return sorted(orphans)


def orphaned_files_delete(names: list[str]) -> int:
    """Delete these files, checking each again against the database just before."""
    storage = DocumentVersion._meta.get_field("file").storage
    deleted = 0
    with scopes_disabled():
        for name in names:
            if not DocumentVersion.objects.filter(file=name).exists():
                storage.delete(name)
                deleted += 1
    return deleted
