"""A disk that fills up mid-upload: the person is told the upload failed (not that their
work is safe), what they typed stays in the form, and no partial file or row is left."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from evidence.models import Document, DocumentVersion
from organisations.models import ActivityLog, Role
from tests.evidence.conftest import stored_names
from tests.evidence.factories import DocumentFactory, add_version, make_response, upload

pytestmark = pytest.mark.django_db

FAILED = "The upload failed: we could not store the file, so nothing was saved."


def _url(name, org, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"org": org.slug, **kwargs})


@pytest.fixture
def disk_full(settings):
    """Switch the private storage to one whose disk fills up part-way through a write."""
    location = settings.STORAGES["default"]["OPTIONS"]["location"]

    def fill():
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "tests.evidence.failing_storage.DiskFullStorage",
                "OPTIONS": {"location": location, "base_url": None},
            },
        }

    return fill


def test_a_new_document_whose_file_cannot_be_stored_leaves_nothing(
    organisation, client_as, disk_full
):
    disk_full()
    response = client_as(Role.EDITOR).post(
        _url("document_create", organisation),
        {"title": "Data protection policy", "kind": "policy", "file": upload()},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert FAILED in html and "saved work is safe" not in html
    assert 'value="Data protection policy"' in html  # what was typed is kept
    assert stored_names() == []
    with scopes_disabled():
        assert not Document.objects.exists() and not DocumentVersion.objects.exists()
        assert not ActivityLog.objects.filter(action__startswith="document.").exists()


def test_a_new_version_that_cannot_be_stored_keeps_the_earlier_ones(
    organisation, client_as, disk_full
):
    document = DocumentFactory(organisation=organisation, title="Access control policy")
    first = add_version(document)
    before = stored_names()
    disk_full()
    response = client_as(Role.EDITOR).post(
        _url("version_upload", organisation, pk=document.pk), {"file": upload("v2.pdf")}
    )
    assert response.status_code == 200
    assert FAILED in response.content.decode()
    assert stored_names() == before
    with scopes_disabled():
        assert list(DocumentVersion.objects.filter(document=document)) == [first]


def test_upload_and_link_from_an_item_says_the_upload_failed(organisation, client_as, disk_full):
    response_obj = make_response(organisation, "1.3.1")
    disk_full()
    response = client_as(Role.EDITOR).post(
        _url("response_upload", organisation, response_pk=response_obj.pk),
        {"title": "Visitors log", "kind": "log", "file": upload("log.pdf")},
        headers={"HX-Request": "true"},
    )
    assert FAILED in response.content.decode()
    assert stored_names() == []
    with scopes_disabled():
        assert not Document.objects.exists()


def test_orphaned_files_are_listed_then_removed_only_with_delete(
    storage_backend, organisation, django_capture_on_commit_callbacks
):
    import io
    import os

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    kept = add_version(DocumentFactory(organisation=organisation))
    orphan = default_storage.save(f"org_{organisation.pk}/documents/abc123", ContentFile(b"x"))
    elsewhere = default_storage.save("unrelated/notes.txt", ContentFile(b"y"))

    def run(*args) -> str:
        out = io.StringIO()
        call_command("orphaned_files", "--older-than-minutes=0", *args, stdout=out)
        return out.getvalue()

    listed = run()
    assert orphan in listed and "Dry run: nothing deleted" in listed
    assert kept.file.name not in listed and elsewhere not in listed
    assert orphan in stored_names()

    if storage_backend == "filesystem":  # a fresh file is left alone by default (an upload
        os.utime(default_storage.path(orphan))  # in progress has its file before its row)
        out = io.StringIO()
        call_command("orphaned_files", stdout=out)
        assert "No orphaned files" in out.getvalue()

    assert "Deleted 1 orphaned file(s)" in run("--delete")
    assert sorted(stored_names()) == sorted([kept.file.name, elsewhere])
    assert "No orphaned files" in run()
