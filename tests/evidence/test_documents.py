"""Documents through the real storage (filesystem and local S3): upload, version, download,
link, delete-protect, and bad files refused with nothing left behind."""

import datetime as dt
import urllib.request

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments.models import DocumentLink
from evidence.models import Document, DocumentVersion
from organisations.models import ActivityLog, Role
from tests.evidence.conftest import stored_names
from tests.evidence.factories import (
    PDF_BYTES,
    DocumentFactory,
    add_version,
    make_response,
    ooxml_bytes,
    upload,
    zip_bomb_docx,
)

pytestmark = pytest.mark.django_db


def _url(name, org, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"org": org.slug, **kwargs})


def _download(client, organisation, version) -> tuple[bytes, str]:
    """Body and Content-Disposition, following the signed-URL redirect on S3."""
    response = client.get(_url("version_download", organisation, pk=version.pk))
    assert response["X-Content-Type-Options"] == "nosniff"
    if response.status_code == 302:
        assert "X-Amz-Signature=" in response["Location"] or "Signature=" in response["Location"]
        assert "X-Amz-Expires=60" in response["Location"]
        with urllib.request.urlopen(response["Location"]) as remote:  # noqa: S310 - local moto
            return remote.read(), remote.headers.get("Content-Disposition", "")
    assert response.status_code == 200
    return b"".join(response.streaming_content), response["Content-Disposition"]


def test_upload_new_version_and_download_both(storage_backend, organisation, client_as):
    client = client_as(Role.EDITOR)
    response = client.post(
        _url("document_create", organisation),
        {
            "title": "Data protection policy",
            "kind": "policy",
            "last_reviewed_on": "2025-04-01",
            "file": upload("DP policy v1.pdf", PDF_BYTES),
        },
    )
    with scopes_disabled():
        document = Document.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert document.next_review_due == dt.date(2028, 4, 1)  # policies: three years
    v2_bytes = PDF_BYTES.replace(b"Catalog", b"Catalog /Lang (en-GB)")
    response = client.post(
        _url("version_upload", organisation, pk=document.pk),
        {"file": upload("DP policy v2.pdf", v2_bytes)},
    )
    assert response.status_code == 302

    with scopes_disabled():
        v1, v2 = DocumentVersion.objects.filter(document=document).order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.file.name != v2.file.name
    for version in (v1, v2):
        assert version.file.name.startswith(f"org_{organisation.pk}/documents/")
        assert "DP policy" not in version.file.name  # the user's name is display text only
        assert version.uploaded_by == client.user
        assert version.content_type == "application/pdf"
    assert v1.original_name == "DP policy v1.pdf"
    assert len(stored_names()) >= 2

    body, disposition = _download(client, organisation, v1)
    assert body == PDF_BYTES
    assert "attachment" in disposition and "DP policy v1.pdf" in disposition
    body, _ = _download(client_as(Role.VIEWER), organisation, v2)
    assert body == v2_bytes
    assert v2.sha256 != v1.sha256 and v2.size == len(v2_bytes)


BAD_FILES = [
    ("empty.pdf", b"", "This file is empty"),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 300, "Windows program"),
    ("index.pdf", b"<!doctype html><script>alert(1)</script>", "web page"),
    ("bomb.docx", zip_bomb_docx(), "zip bomb"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_next_to_the_field_and_nothing_is_stored(
    storage_backend, organisation, client_as, name, content, message
):
    document = DocumentFactory(organisation=organisation)
    before = stored_names()
    response = client_as(Role.EDITOR).post(
        _url("version_upload", organisation, pk=document.pk), {"file": upload(name, content)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page  # the message is tied to the file field
    with scopes_disabled():
        assert not DocumentVersion.objects.filter(document=document).exists()
    assert stored_names() == before


def test_an_oversized_upload_is_stopped_while_streaming(
    storage_backend, organisation, client_as, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    response = client_as(Role.EDITOR).post(
        _url("document_create", organisation),
        {
            "title": "Scanned log",
            "kind": "log",
            "file": upload("scan.pdf", PDF_BYTES + b" " * 5000),
        },
    )
    assert response.status_code == 200
    assert "larger than the 1.0\xa0KB limit" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_names() == []


def test_a_script_in_the_file_name_is_stored_harmlessly_and_shown_escaped(organisation, client_as):
    document = DocumentFactory(organisation=organisation, title="<b>Bold</b> policy")
    client = client_as(Role.EDITOR)
    client.post(
        _url("version_upload", organisation, pk=document.pk),
        {"file": upload("<script>alert(1)</script>.pdf", PDF_BYTES)},
    )
    with scopes_disabled():
        version = DocumentVersion.objects.get(document=document)
    assert "<" not in version.original_name and ">" not in version.original_name
    page = client.get(_url("document", organisation, pk=document.pk)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; policy" in page


def _multipart(filename_header: bytes) -> tuple[bytes, str]:
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '.encode()
        + filename_header
        + b"\r\nContent-Type: application/pdf\r\n\r\n"
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_latin1_file_name_is_kept_readable(organisation, client_as):
    document = DocumentFactory(organisation=organisation)
    body, content_type = _multipart(b"filename*=iso-8859-1''Politique-donn%E9es.pdf")
    response = client_as(Role.EDITOR).post(
        _url("version_upload", organisation, pk=document.pk), body, content_type=content_type
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert (
            DocumentVersion.objects.get(document=document).original_name == "Politique-données.pdf"
        )


def test_raw_non_utf8_name_bytes_get_a_clear_message_not_an_error(organisation, client_as):
    document = DocumentFactory(organisation=organisation)
    body, content_type = _multipart(b'filename="Politique-donn\xe9es.pdf"')
    response = client_as(Role.EDITOR).post(
        _url("version_upload", organisation, pk=document.pk), body, content_type=content_type
    )
    assert response.status_code == 200
    assert "its name could not be read" in response.content.decode()
    assert stored_names() == []


def test_path_and_very_long_names_are_sanitised(organisation, client_as):
    document = DocumentFactory(organisation=organisation)
    client = client_as(Role.EDITOR)
    client.post(
        _url("version_upload", organisation, pk=document.pk),
        {"file": upload("../../../etc/passwd.pdf", PDF_BYTES)},
    )
    client.post(
        _url("version_upload", organisation, pk=document.pk),
        {"file": upload("x" * 240 + ".pdf", PDF_BYTES)},
    )
    with scopes_disabled():
        first, second = DocumentVersion.objects.filter(document=document).order_by("number")
    assert first.original_name == "passwd.pdf"
    assert len(second.original_name) <= 120 and second.original_name.endswith(".pdf")


def test_link_and_unlink_from_the_document_page(organisation, client_as):
    document = DocumentFactory(organisation=organisation)
    response_obj = make_response(organisation, "1.3.1")
    client = client_as(Role.EDITOR)
    page = client.get(_url("document", organisation, pk=document.pk)).content.decode()
    assert "1.3.1 Item 1.3.1 summary" in page  # offered from the current assessment
    client.post(_url("document_link", organisation, pk=document.pk), {"response": response_obj.pk})
    with scopes_disabled():
        assert DocumentLink.objects.filter(document=document, response=response_obj).exists()
    client.post(
        _url("response_unlink", organisation, response_pk=response_obj.pk, document_pk=document.pk)
    )
    assert not DocumentLink.objects.exists()
    with scopes_disabled():
        actions = list(
            ActivityLog.objects.filter(organisation=organisation).values_list("action", flat=True)
        )
    assert "document.linked" in actions and "document.unlinked" in actions


def test_item_fragment_links_uploads_and_unlinks_with_htmx(organisation, client_as):
    response_obj = make_response(organisation, "7.1.1")
    existing = DocumentFactory(organisation=organisation, title="Asset register")
    client = client_as(Role.EDITOR)
    htmx = {"HTTP_HX_REQUEST": "true"}
    fragment = client.post(
        _url("response_link", organisation, response_pk=response_obj.pk),
        {"document": existing.pk},
        **htmx,
    ).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert "Asset register" in fragment and "Unlink" in fragment
    fragment = client.post(
        _url("response_upload", organisation, response_pk=response_obj.pk),
        {
            "title": "Backup test log",
            "kind": "log",
            "file": upload("backup.xlsx", ooxml_bytes("xlsx")),
        },
        **htmx,
    ).content.decode()
    assert "Backup test log" in fragment
    with scopes_disabled():
        assert DocumentLink.objects.filter(response=response_obj).count() == 2
    bad = client.post(
        _url("response_upload", organisation, response_pk=response_obj.pk),
        {"title": "Oops", "kind": "log", "file": upload("oops.pdf", b"")},
        **htmx,
    ).content.decode()
    assert "This file is empty" in bad and '<details class="evidence-add__upload" open>' in bad
    client.post(
        _url("response_unlink", organisation, response_pk=response_obj.pk, document_pk=existing.pk),
        **htmx,
    )
    with scopes_disabled():
        assert list(DocumentLink.objects.values_list("document__title", flat=True)) == [
            "Backup test log"
        ]


def test_item_fragment_works_without_javascript(organisation, client_as):
    response_obj = make_response(organisation, "7.1.1")
    document = DocumentFactory(organisation=organisation)
    client = client_as(Role.EDITOR)
    back = "/o/vn4k2/assessment/items/7/"
    response = client.post(
        _url("response_link", organisation, response_pk=response_obj.pk),
        {"document": document.pk, "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    response = client.post(
        _url("response_link", organisation, response_pk=response_obj.pk),
        {"document": document.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == _url(
        "response_documents", organisation, response_pk=response_obj.pk
    )


def test_viewer_sees_the_fragment_without_edit_controls(organisation, client_as):
    response_obj = make_response(organisation, "1.3.1")
    document = DocumentFactory(organisation=organisation, title="Acceptable use policy")
    DocumentLink.objects.create(organisation=organisation, document=document, response=response_obj)
    page = client_as(Role.VIEWER).get(
        _url("response_documents", organisation, response_pk=response_obj.pk)
    )
    html = page.content.decode()
    assert "Acceptable use policy" in html
    assert "Unlink" not in html and "Upload a new document" not in html


def test_a_document_that_backs_answers_cannot_be_archived(storage_backend, organisation, client_as):
    document = DocumentFactory(organisation=organisation, title="Business continuity plan")
    add_version(document)
    response_obj = make_response(organisation, "7.1.2")
    DocumentLink.objects.create(organisation=organisation, document=document, response=response_obj)
    client = client_as(Role.EDITOR)
    response = client.post(_url("document_delete", organisation, pk=document.pk))
    assert response.status_code == 409
    assert "cannot be archived because it backs 1 answer" in response.content.decode()
    assert "7.1.2" in response.content.decode()
    with scopes_disabled():
        assert Document.objects.filter(pk=document.pk, archived_at=None).exists()

    with scopes_disabled():
        DocumentLink.objects.all().delete()
    response = client.post(_url("document_delete", organisation, pk=document.pk))
    assert response.status_code == 302
    with scopes_disabled():
        assert Document.objects.filter(pk=document.pk, archived_at__isnull=False).exists()


def test_an_editor_archives_and_every_version_and_file_is_kept(
    storage_backend, organisation, client_as, django_capture_on_commit_callbacks
):
    document = DocumentFactory(organisation=organisation, title="Records retention policy")
    first, second = add_version(document), add_version(document, content=PDF_BYTES + b"v2")
    stored = stored_names()
    editor = client_as(Role.EDITOR)
    confirm = editor.get(_url("document_delete", organisation, pk=document.pk)).content.decode()
    assert "can restore it, with every version, until" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(_url("document_delete", organisation, pk=document.pk), follow=True)
    assert "is archived. An admin can restore it" in response.content.decode()
    assert sorted(stored_names()) == sorted(stored)
    with scopes_disabled():
        assert DocumentVersion.objects.filter(document=document).count() == 2
        log = ActivityLog.objects.get(action="document.archived")
    assert log.actor == editor.user and log.changes["versions"] == 2

    # Out of the library, its page, downloads and the item's list of documents to link.
    library = editor.get(_url("library", organisation)).content.decode()
    assert "Records retention policy" not in library
    assert editor.get(_url("document", organisation, pk=document.pk)).status_code == 404
    assert editor.get(_url("version_download", organisation, pk=first.pk)).status_code == 404
    response_obj = make_response(organisation, "1.3.1")
    fragment = editor.get(_url("response_documents", organisation, response_pk=response_obj.pk))
    assert "Records retention policy" not in fragment.content.decode()
    editor.post(
        _url("response_link", organisation, response_pk=response_obj.pk),
        {"document": document.pk},
    )
    with scopes_disabled():
        assert not DocumentLink.objects.exists()
    # Only admins see the archive.
    assert editor.get(_url("archived", organisation)).status_code == 403
    assert "See archived documents" not in library

    admin = client_as(Role.ADMIN)
    assert (
        "1 archived document can still be restored"
        in admin.get(_url("library", organisation)).content.decode()
    )
    archive = admin.get(_url("archived", organisation)).content.decode()
    assert "Records retention policy" in archive and "2 versions" in archive
    restored = admin.post(_url("document_restore", organisation, pk=document.pk), follow=True)
    assert "is back in your library" in restored.content.decode()
    body, _ = _download(admin, organisation, second)
    assert body == PDF_BYTES + b"v2"
    with scopes_disabled():
        assert ActivityLog.objects.get(action="document.restored").actor == admin.user


def test_the_purge_deletes_rows_and_files_only_after_thirty_days(
    storage_backend, organisation, member, django_capture_on_commit_callbacks
):
    from evidence import services
    from evidence.tasks import documents_purge_task

    keep = DocumentFactory(organisation=organisation, title="Still in the library")
    add_version(keep)
    old = DocumentFactory(organisation=organisation, title="Archived long ago")
    add_version(old)
    recent = DocumentFactory(organisation=organisation, title="Archived this week")
    add_version(recent)
    by = member(Role.EDITOR)
    with scope(organisation=organisation):  # as the archive view calls it
        services.document_archive(document=old, by=by)
        services.document_archive(document=recent, by=by)
    with scopes_disabled():
        Document.objects.filter(pk=old.pk).update(
            archived_at=timezone.now() - dt.timedelta(days=31)
        )
        Document.objects.filter(pk=recent.pk).update(
            archived_at=timezone.now() - dt.timedelta(days=29)
        )
        old_file = DocumentVersion.objects.get(document=old).file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_purge_task() == 1
    assert old_file not in stored_names() and len(stored_names()) == 2
    with scopes_disabled():
        assert not Document.objects.filter(pk=old.pk).exists()
        assert Document.objects.filter(pk__in=[keep.pk, recent.pk]).count() == 2
        purged = ActivityLog.objects.get(action="document.purged")
    assert purged.object_repr == "Archived long ago" and purged.organisation == organisation
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_purge_task() == 0  # a second run does nothing


def test_the_purge_runs_every_day_from_the_database_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="evidence.tasks.documents_purge_task")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("3", "30")


def test_another_organisations_file_is_not_found(organisation, other_organisation, client_as):
    theirs = add_version(DocumentFactory(organisation=other_organisation))
    response = client_as(Role.ADMIN).get(_url("version_download", organisation, pk=theirs.pk))
    assert response.status_code == 404


def test_editing_the_review_date_moves_the_next_review(organisation, client_as):
    document = DocumentFactory(
        organisation=organisation,
        kind="log",
        last_reviewed_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
    )
    client_as(Role.EDITOR).post(
        _url("document_edit", organisation, pk=document.pk),
        {
            "title": document.title,
            "kind": "log",
            "last_reviewed_on": "2025-11-01",
            "next_review_due": "2026-01-10",
        },
    )
    document.refresh_from_db()
    assert document.next_review_due == dt.date(2026, 11, 1)
    with scopes_disabled():
        log = ActivityLog.objects.get(action="document.updated")
    assert log.changes["last_reviewed_on"] == ["2025-01-10", "2025-11-01"]


def test_library_filters_and_constant_queries(
    organisation, client_as, django_assert_max_num_queries
):
    today = dt.date.today()
    overdue = DocumentFactory(
        organisation=organisation,
        title="Overdue BCP",
        kind="procedure",
        next_review_due=today - dt.timedelta(days=3),
    )
    soon = DocumentFactory(
        organisation=organisation,
        title="Due soon register",
        kind="register",
        next_review_due=today + dt.timedelta(days=10),
    )
    current = DocumentFactory(
        organisation=organisation,
        title="Current policy",
        next_review_due=today + dt.timedelta(days=400),
    )
    DocumentLink.objects.create(
        organisation=organisation, document=current, response=make_response(organisation, "1.3.1")
    )
    client = client_as(Role.VIEWER)
    client.get(_url("library", organisation))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(_url("library", organisation))
    for n in range(15):
        add_version(DocumentFactory(organisation=organisation, title=f"Extra {n:02d}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("library", organisation)).content.decode()
    assert "18 documents" in page and "1 document overdue for review" in page

    def titles(**query):
        html = client.get(_url("library", organisation), query).content.decode()
        return [d.title for d in (overdue, soon, current) if d.title in html]

    assert titles(status="overdue") == ["Overdue BCP"]
    assert titles(status="due_soon") == ["Due soon register"]
    assert titles(kind="register") == ["Due soon register"]
    assert titles(linked="yes") == ["Current policy"]
    assert titles(linked="no") == ["Overdue BCP", "Due soon register"]
    due = client.get(_url("due", organisation)).content.decode()
    assert due.index("Overdue BCP") < due.index("Due soon register") and "Current policy" not in due
    assert f"was due for review on {overdue.next_review_due:%-d %B %Y}" in due
