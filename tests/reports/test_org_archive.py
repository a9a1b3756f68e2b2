"""An organisation takes everything with it: `export_org` writes one zip, `import_org` into an
empty database and storage gives back the same rows, field by field, and the same files,
byte for byte (SHA-256). The admin's button downloads the same zip."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import (
    Approval,
    Comment,
    DocumentLink,
    ImprovementAction,
    ImprovementActionItem,
    Response,
)
from evidence.models import DocumentVersion
from organisations.models import Organisation, Role
from organisations.services import activity_record
from reports.models import Report, ReportKind, ReportStatus
from reports.org_archive import organisation_export, tenant_models
from tests.assessments.factories import answer, assessment_for
from tests.evidence.conftest import stored_names
from tests.evidence.factories import (
    PDF_BYTES,
    DocumentFactory,
    TrainingRecordFactory,
    add_version,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def _a_full_organisation() -> Organisation:
    org = OrganisationFactory(name="Meadowbank House", ods_code="VN4K2", slug="vn4k2")
    admin = UserFactory(email="manager@meadowbank.example", full_name="Ama Boateng")
    editor = UserFactory(email="iglead@meadowbank.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=admin, role=Role.ADMIN)
    MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    with scopes_disabled():
        org.ig_lead = editor
        org.save()
        assessment = assessment_for(org)
        response = assessment.responses.order_by("pk").first()
        answer(response, answer_text="First answer", updated_by=editor)
        answer(response, answer_text="Second answer", narrative="We check monthly.")
        document = DocumentFactory(organisation=org, title="Data protection policy", owner=admin)
        add_version(document, by=editor)
        add_version(document, content=PDF_BYTES + b"% version 2", by=admin)
        DocumentLink.objects.create(organisation=org, document=document, response=response)
        Comment.objects.create(organisation=org, response=response, author=admin, text="Good")
        action = ImprovementAction.objects.create(
            organisation=org, assessment=assessment, title="Train the night staff", owner=editor
        )
        ImprovementActionItem.objects.create(organisation=org, action=action, response=response)
        TrainingRecordFactory(staff_member__organisation=org, organisation=org)
        approval = Approval.objects.create(
            organisation=org,
            assessment=assessment,
            revision=1,
            snapshot={"items": [{"ref": response.item.ref, "answer": "Second answer"}]},
            outcome_level="standards_met",
            approved_by=admin,
            approved_at=timezone.now(),
            declared_name="Ama Boateng",
        )
        report = Report.objects.create(
            organisation=org,
            assessment=assessment,
            approval=approval,
            kind=ReportKind.values[0],
            status=ReportStatus.READY,
            title="Assessment summary",
            requested_by=admin,
        )
        report.file.save("summary.pdf", ContentFile(PDF_BYTES + b"% report"), save=True)
        activity_record(organisation=org, actor=admin, action="document.created", target=document)
    return org


def _snapshot() -> dict[str, list]:
    """Every exported kind of row, every field exactly as stored, by model."""
    with scopes_disabled():
        return {
            m._meta.label: list(m._base_manager.order_by("pk").values()) for m in tenant_models()
        }


def _file_hashes() -> dict[str, str]:
    hashes = {}
    for name in stored_names():
        with default_storage.open(name, "rb") as f:
            hashes[name] = hashlib.sha256(f.read()).hexdigest()
    return hashes


def test_export_then_import_into_an_empty_database_gives_back_every_row_and_file(tmp_path):
    org = _a_full_organisation()
    before, files_before = _snapshot(), _file_hashes()
    with scopes_disabled():
        history = list(Response.history.order_by("history_id").values())
        people = {
            u.email: u.full_name
            for u in org.memberships.all().select_related("user")
            for u in [u.user]
        }
    assert len(history) >= 3 and len(files_before) == 3
    path = tmp_path / "meadowbank.zip"
    out = io.StringIO()
    call_command("export_org", "VN4K2", "--output", str(path), stdout=out)
    assert "3 files" in out.getvalue()
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "data.json"} <= names
    assert {f"files/{name}" for name in files_before} <= names
    assert manifest["files"] == files_before
    for label in (
        "assessments.comment",
        "assessments.historicalresponse",
        "evidence.documentversion",
        "evidence.trainingrecord",
        "assessments.approval",
        "reports.report",
        "assessments.improvementaction",
        "organisations.activitylog",
    ):
        assert manifest["counts"][label] >= 1, label

    # An empty installation: no rows, no files.
    call_command("flush", interactive=False, verbosity=0)
    for name in stored_names():
        default_storage.delete(name)
    assert not Organisation.objects.exists() and stored_names() == []

    call_command("import_org", str(path), stdout=io.StringIO())
    assert _snapshot() == before  # field by field, ids included
    assert _file_hashes() == files_before  # byte for byte
    with scopes_disabled():
        assert list(Response.history.order_by("history_id").values()) == history
        imported = Organisation.objects.get(slug="vn4k2")
        assert imported.ig_lead.email == "iglead@meadowbank.example"
        users = {m.user.email: m.user for m in imported.memberships.select_related("user")}
        assert {e: u.full_name for e, u in users.items()} == people
        assert not any(u.has_usable_password() for u in users.values())
        version = DocumentVersion.objects.order_by("-number").first()
    with default_storage.open(version.file.name, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == version.sha256

    # New rows get new ids (PostgreSQL's sequences were moved past the imported ones).
    add_version(DocumentFactory(organisation=imported, title="Added after the import"))

    # A second import finds it already there and changes nothing.
    with pytest.raises(CommandError, match="already here"):
        call_command("import_org", str(path), stdout=io.StringIO())


def test_an_admin_downloads_the_same_archive_from_the_button(client_as, organisation):
    add_version(DocumentFactory(organisation=organisation, title="Visitors policy"))
    response = client_as(Role.ADMIN).get(reverse("reports:everything", args=[organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "vn4k2-everything-" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = json.loads(archive.read("data.json"))
    assert len(manifest["files"]) == 1
    assert any(
        i["model"] == "organisations.activitylog"
        and i["fields"]["action"] == "organisation.exported"
        for i in data
    )
    assert not any("password" in i["fields"] for i in data)
    settings_page = client_as(Role.ADMIN).get(
        reverse("organisations:settings", args=[organisation.slug])
    )
    assert "Download everything (zip)" in settings_page.content.decode()


def test_another_organisations_rows_are_not_in_the_archive(organisation, other_organisation):
    add_version(DocumentFactory(organisation=other_organisation, title="Their policy"))
    buffer = io.BytesIO()
    manifest = organisation_export(organisation=organisation, out=buffer)
    with zipfile.ZipFile(buffer) as archive:
        data = archive.read("data.json").decode()
    assert "Their policy" not in data and manifest["files"] == {}
