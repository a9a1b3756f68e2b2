"""One organisation's everything in one zip, and back: `export_org`, `import_org` and the
admin's "Download everything" button.

The zip holds `manifest.json` (what, when, and the SHA-256 of every file), `data.json`
(Django's JSON serialisation of every row that carries the organisation – documents and
their versions, answers and their history records, comments, approvals, the plan, the
training register, reports, memberships, the activity log... – plus the people those rows
name and the checklist the assessments follow) and `files/<storage key>` for each stored
document version and report. Rows keep their ids, so `import_org` into an empty database
gives back the same organisation; people come back without passwords (they reset theirs).

It lives in reports, the layer that can read every app below it; the models to include are
found from the `organisation` key, so a new tenant model is exported without a change here.
"""

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from typing import IO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import Assertion, CatalogueVersion, EvidenceItem, Standard
from organisations.models import Organisation

FORMAT = "dspt-portal-organisation/1"
# What a person's row carries into the archive: never passwords, second factors or staff flags.
USER_FIELDS = ["email", "full_name", "job_title", "is_active", "date_joined"]
# Not the organisation's data: the reminder send log (shared with other organisations a
# person belongs to), pending invitations (their links are secrets) and staff's record.
EXCLUDED = {"reminders.reminder", "organisations.invitation", "organisations.organisationclosure"}


class _Encoder(DjangoJSONEncoder):
    """ISO 8601 with every microsecond (DjangoJSONEncoder rounds to milliseconds)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class ArchiveError(Exception):
    """The archive cannot be imported here; the message says why, nothing was changed."""


def tenant_models() -> list[type[models.Model]]:
    """Every model whose rows belong to one organisation (an `organisation` key)."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.fields if f.name == "organisation"), None)
        if field is not None and field.is_relation and field.related_model is Organisation:
            if model._meta.label_lower not in EXCLUDED:
                found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.fields if isinstance(f, models.FileField)]


def _rows(organisation: Organisation) -> list[models.Model]:
    """Everything to serialise: people, checklist, the organisation, then its rows."""
    tenant = [list(m._base_manager.filter(organisation=organisation)) for m in tenant_models()]
    tenant_rows = [row for rows in tenant for row in rows]
    user_model = get_user_model()
    user_ids = {
        getattr(row, f.attname)
        for row in [organisation, *tenant_rows]
        for f in row._meta.fields
        if f.is_relation and f.related_model is user_model and getattr(row, f.attname)
    }
    versions = CatalogueVersion.objects.filter(assessments__organisation=organisation).distinct()
    catalogue = [
        *versions,
        *Standard.objects.filter(version__in=versions),
        *Assertion.objects.filter(version__in=versions),
        *EvidenceItem.objects.filter(version__in=versions),
    ]
    return [
        *user_model.objects.filter(pk__in=user_ids).order_by("pk"),
        *catalogue,
        organisation,
        *tenant_rows,
    ]


def _sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def organisation_export(*, organisation: Organisation, out: IO[bytes]) -> dict:
    """Write the organisation's archive (a zip) to `out`; returns its manifest."""
    user_model = get_user_model()
    with scopes_disabled():
        rows = _rows(organisation)
    users = [r for r in rows if isinstance(r, user_model)]
    others = [r for r in rows if not isinstance(r, user_model)]
    # The "python" serialiser keeps datetimes whole; Django's JSON one cuts microseconds.
    data = serializers.serialize("python", users, fields=USER_FIELDS)
    data += serializers.serialize("python", others)
    for item in data:
        if item["model"] == "organisations.organisation":
            item["fields"]["parent"] = None  # the head office is another organisation
    files = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in others:
            for field in _file_fields(row):
                name = getattr(row, field.attname).name
                if not name or name in files:
                    continue
                with field.storage.open(name, "rb") as source:
                    files[name] = _sha256(source)
                with field.storage.open(name, "rb") as source:
                    with archive.open(f"files/{name}", "w", force_zip64=True) as target:
                        shutil.copyfileobj(source, target, 1024 * 1024)
        archive.writestr("data.json", json.dumps(data, cls=_Encoder, indent=1))
        counts: dict[str, int] = {}
        for item in data:
            counts[item["model"]] = counts.get(item["model"], 0) + 1
        manifest = {
            "format": FORMAT,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "ods_code": organisation.ods_code,
                "slug": organisation.slug,
            },
            "exported_at": timezone.now().isoformat(),
            "counts": counts,
            "files": files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return manifest


def _refuse_conflicts(manifest: dict, data: list[dict]) -> None:
    org = manifest["organisation"]
    if Organisation.objects.filter(
        models.Q(pk=org["id"]) | models.Q(slug=org["slug"]) | models.Q(ods_code=org["ods_code"])
    ).exists():
        raise ArchiveError(
            f"An organisation with id {org['id']}, slug {org['slug']} or ODS code "
            f"{org['ods_code']} is already here. Import into an empty database."
        )
    user_model = get_user_model()
    label = user_model._meta.label_lower
    people = [item for item in data if item["model"] == label]
    taken = user_model.objects.filter(
        models.Q(pk__in=[p["pk"] for p in people])
        | models.Q(email__in=[p["fields"]["email"] for p in people])
    )
    if taken.exists():
        raise ArchiveError(
            f"{taken.count()} of the archive's people are already here (same id or email). "
            "Import into an empty database."
        )


def organisation_import(*, archive_path: str) -> Organisation:
    """Load an archive made by `organisation_export` into this (empty) installation."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{archive_path} is not a zip file made by export_org.") from exc
    with archive, scopes_disabled():
        try:
            manifest = json.loads(archive.read("manifest.json"))
            raw = archive.read("data.json")
        except KeyError as exc:
            raise ArchiveError("The archive has no manifest.json or data.json.") from exc
        if manifest.get("format") != FORMAT:
            raise ArchiveError(f"Unknown archive format {manifest.get('format')!r}.")
        data = json.loads(raw)
        _refuse_conflicts(manifest, data)
        saved = _restore_files(archive, manifest["files"])
        try:
            _load_rows(data)
        except Exception:
            for name in saved:
                default_storage.delete(name)
            raise
        return Organisation.objects.get(pk=manifest["organisation"]["id"])


def _restore_files(archive: zipfile.ZipFile, files: dict[str, str]) -> list[str]:
    storage = default_storage
    saved = []
    try:
        for name, sha256 in files.items():
            with archive.open(f"files/{name}") as source:
                if _sha256(source) != sha256:
                    raise ArchiveError(f"{name} in the archive does not match its SHA-256.")
            if storage.exists(name):
                raise ArchiveError(f"A file is already stored as {name}. Use empty storage.")
            with archive.open(f"files/{name}") as source:
                stored = storage.save(name, source)
            saved.append(stored)
            if stored != name:
                raise ArchiveError(f"The storage renamed {name} to {stored}.")
    except Exception:
        for name in saved:
            storage.delete(name)
        raise
    return saved


@transaction.atomic
def _load_rows(data: list[dict]) -> None:
    """Save every row with its id (raw saves: no signals' side effects, no new history),
    then move the id sequences past them (PostgreSQL) and lock out the imported people's
    passwords until they reset them."""
    loaded = set()
    for obj in serializers.deserialize("python", data):
        obj.save()
        loaded.add(type(obj.object))
    sql = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
    user_model = get_user_model()
    label = user_model._meta.label_lower
    user_model.objects.filter(pk__in=[i["pk"] for i in data if i["model"] == label]).update(
        password=make_password(None)
    )


def export_filename(organisation: Organisation, on: dt.date | None = None) -> str:
    on = on or timezone.localdate()
    return f"{organisation.slug}-everything-{on:%Y-%m-%d}.zip"
