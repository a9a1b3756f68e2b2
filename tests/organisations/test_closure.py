"""An admin closes the organisation: a confirmation, 30 days read-only with a notice for
everyone, then a daily task erases its data and files and keeps a record for staff, who
can restore it from the Django admin until then."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import Response
from evidence.models import Document, DocumentVersion
from organisations.closure import organisation_close
from organisations.models import ActivityLog, Membership, Organisation, OrganisationClosure, Role
from organisations.tasks import organisations_erase_task
from tests.evidence.conftest import stored_names
from tests.evidence.factories import DocumentFactory, add_version, make_response, upload
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    give_totp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def _close_url(org):
    return reverse("organisations:close", kwargs={"org": org.slug})


def _admin(org):
    return MembershipFactory(organisation=org, role=Role.ADMIN, user=UserFactory()).user


def test_an_admin_confirms_with_the_ods_code_and_the_grace_period_starts(organisation, client_as):
    invitation = InvitationFactory(organisation=organisation)
    admin = client_as(Role.ADMIN)
    page = admin.get(_close_url(organisation)).content.decode()
    assert "After 30 days its assessments, answers, documents" in page
    wrong = admin.post(_close_url(organisation), {"ods_code": "VX1Y2", "understood": "on"})
    assert "not this organisation&#x27;s ODS code. Type VN4K2" in wrong.content.decode()
    organisation.refresh_from_db()
    assert organisation.closes_on is None

    done = admin.post(_close_url(organisation), {"ods_code": "vn4k2", "understood": "on"})
    assert done.status_code == 302
    organisation.refresh_from_db()
    assert organisation.closes_on == timezone.localdate() + dt.timedelta(days=30)
    closure = OrganisationClosure.objects.get()
    assert (closure.name, closure.closed_by, closure.status) == (
        "Meadowbank House",
        admin.user,
        "Closing",
    )
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="organisation.closing").exists()
        invitation.refresh_from_db()
    assert invitation.revoked_at is not None  # nobody new joins a closing organisation


def test_during_the_grace_period_everyone_sees_the_date_and_nobody_can_edit(
    organisation, client_as
):
    document = DocumentFactory(organisation=organisation, title="Visitors policy")
    organisation_close(organisation=organisation, by=_admin(organisation))
    organisation.refresh_from_db()
    date = f"{organisation.closes_on:%-d %B %Y}"
    editor, admin = client_as(Role.EDITOR), client_as(Role.ADMIN)

    home = editor.get(reverse("organisations:home", kwargs={"org": organisation.slug}))
    assert f"Meadowbank House is closing on {date}" in home.content.decode()
    library = editor.get(reverse("evidence:library", kwargs={"org": organisation.slug}))
    assert "Visitors policy" in library.content.decode()
    assert "Add a document" not in library.content.decode()

    refused = editor.post(
        reverse("evidence:document_create", kwargs={"org": organisation.slug}),
        {"title": "New", "kind": "policy", "file": upload()},
    )
    assert refused.status_code == 403
    assert "Nothing can be changed now" in refused.content.decode()
    with scopes_disabled():
        assert list(Document.objects.filter(organisation=organisation)) == [document]
    edit_form = admin.get(
        reverse("evidence:document_edit", kwargs={"org": organisation.slug, "pk": document.pk})
    )
    assert edit_form.status_code == 403
    settings_post = admin.post(
        reverse("organisations:settings", kwargs={"org": organisation.slug}), {"name": "X"}
    )
    assert settings_post.status_code == 403
    assert (
        f"On <strong>{organisation.closes_on:%-d %B %Y}</strong>"
        in admin.get(_close_url(organisation)).content.decode()
    )


def test_the_erasure_removes_data_and_files_after_the_grace_period_and_keeps_a_record(
    organisation, other_organisation, django_capture_on_commit_callbacks
):
    admin = _admin(organisation)
    add_version(DocumentFactory(organisation=organisation))
    response = make_response(organisation, "1.3.1")
    response.narrative = "We review access every month."
    response.save()
    default_storage.save(f"org_{organisation.pk}/reports/report-1.pdf", ContentFile(b"%PDF"))
    site = OrganisationFactory(parent=organisation)
    theirs = add_version(DocumentFactory(organisation=other_organisation))
    make_response(other_organisation, "1.3.1")
    organisation_close(organisation=organisation, by=admin)

    with django_capture_on_commit_callbacks(execute=True):
        assert organisations_erase_task() == 0  # still in the grace period
    assert Organisation.objects.filter(pk=organisation.pk).exists()

    Organisation.objects.filter(pk=organisation.pk).update(closes_on=timezone.localdate())
    OrganisationClosure.objects.update(erase_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert organisations_erase_task() == 1
    with scopes_disabled():
        assert not Organisation.objects.filter(pk=organisation.pk).exists()
        assert not Membership.objects.filter(organisation_id=organisation.pk).exists()
        assert not Document.objects.filter(organisation_id=organisation.pk).exists()
        assert not Response.history.filter(organisation_id=organisation.pk).exists()
        assert not ActivityLog.objects.filter(organisation_id=organisation.pk).exists()
        # Another organisation and the site (now on its own) are untouched.
        assert DocumentVersion.objects.filter(pk=theirs.pk).exists()
        assert Response.history.filter(organisation_id=other_organisation.pk).exists()
        site.refresh_from_db()
        assert site.parent is None
        erased = ActivityLog.objects.get(action="organisation.erased")
    assert stored_names() == [theirs.file.name]
    assert erased.changes["name"] == "Meadowbank House (VN4K2)" and erased.changes["files"] == 2
    admin.refresh_from_db()  # people's accounts stay
    closure = OrganisationClosure.objects.get()
    assert closure.status == "Erased" and closure.organisation is None
    assert (closure.name, closure.closed_by_email) == ("Meadowbank House", admin.email)
    with django_capture_on_commit_callbacks(execute=True):
        assert organisations_erase_task() == 0


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True, full_name="Sam Support")
    give_totp(user)
    client.force_login(user)
    client.user = user
    return client


def test_staff_restore_a_closing_organisation_in_the_admin_and_it_is_audited(
    staff, organisation, client_as
):
    organisation_close(organisation=organisation, by=_admin(organisation))
    closure = OrganisationClosure.objects.get()
    listing = staff.get(reverse("admin:organisations_organisationclosure_changelist"))
    assert "Meadowbank House" in listing.content.decode()
    staff.post(
        reverse("admin:organisations_organisationclosure_changelist"),
        {"action": "restore", "_selected_action": [closure.pk]},
    )
    organisation.refresh_from_db()
    closure.refresh_from_db()
    assert organisation.closes_on is None and closure.status == "Restored by staff"
    assert closure.restored_by_email == staff.user.email
    with scopes_disabled():
        entry = ActivityLog.objects.get(action="organisation.closure_cancelled_by_support")
    assert entry.organisation == organisation
    assert entry.changes["by_platform_staff"] == "Sam Support"
    editor = client_as(Role.EDITOR)
    library = editor.get(reverse("evidence:library", kwargs={"org": organisation.slug}))
    assert "Add a document" in library.content.decode()
    assert organisations_erase_task() == 0


def test_the_erasure_runs_every_day_from_the_database_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="organisations.tasks.organisations_erase_task")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("4", "0")
