"""Subject access requests: the one-month clock (extendable), identity, audit, spreadsheets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Role
from registers import spreadsheets
from registers.forms import SarForm
from registers.models import SubjectAccessRequest, add_months
from tests.factories import OrganisationFactory
from tests.registers.factories import SubjectAccessRequestFactory

pytestmark = pytest.mark.django_db


def _url(name, org, *args):
    return reverse(f"registers:{name}", args=[org.slug, *args])


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 9, 3), dt.date(2026, 10, 3)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
    ],
)
def test_one_calendar_month_from_receipt(received, due):
    assert add_months(received, 1) == due
    assert SubjectAccessRequest(received_on=received).due_on == due


def test_the_request_is_due_on_the_day_and_overdue_the_day_after():
    sar = SubjectAccessRequest(received_on=dt.date(2026, 9, 3))
    assert sar.status(dt.date(2026, 9, 25)) == "open"
    assert sar.status(dt.date(2026, 9, 26)) == "due_soon"
    assert sar.status(dt.date(2026, 10, 3)) == "due_soon"
    assert sar.days_left(dt.date(2026, 10, 3)) == 0
    assert sar.status(dt.date(2026, 10, 4)) == "overdue"


def test_an_extension_with_a_reason_gives_three_months():
    sar = SubjectAccessRequest(received_on=dt.date(2026, 9, 3), extension_reason="  ")
    assert sar.due_on == dt.date(2026, 10, 3)  # a blank reason is no extension
    sar.extension_reason = "Ten years of care records across three homes"
    assert sar.due_on == dt.date(2026, 12, 3)
    assert sar.status(dt.date(2026, 10, 4)) == "open"


def test_answered_after_the_due_date_is_late():
    sar = SubjectAccessRequest(received_on=dt.date(2026, 9, 3), completed_on=dt.date(2026, 10, 4))
    assert sar.status(dt.date(2026, 11, 1)) == "late"
    sar.completed_on = dt.date(2026, 10, 3)
    assert sar.status(dt.date(2026, 11, 1)) == "done"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"completed_on": "2026-01-20"}, "identity_checked_on", "Record when you checked"),
        ({"identity_checked_on": "2025-12-01"}, "identity_checked_on", "before the request"),
        ({"received_on": "2099-01-01"}, "received_on", "This is in the future."),
        ({"received_on": "31/02/2026"}, "received_on", "Enter a valid date."),
        ({"requester": ""}, "requester", "This field is required."),
    ],
)
def test_a_bad_request_gets_a_message_next_to_the_field(
    organisation, client_as, data, field, message
):
    form = {"requester": "Mrs Patel's daughter", "received_on": "2026-01-05", **data}
    response = client_as(Role.EDITOR).post(_url("sar_create", organisation), form)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f"id_{field}_error" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_a_request_is_recorded_audited_and_shown_when_due(organisation, client_as):
    client = client_as(Role.EDITOR)
    received = timezone.localdate() - dt.timedelta(days=27)
    response = client.post(
        _url("sar_create", organisation),
        {"requester": "Mrs Patel's daughter", "received_on": received.isoformat()},
    )
    assert response.status_code == 302
    with scopes_disabled():
        sar = SubjectAccessRequest.objects.get()
        assert sar.organisation == organisation and sar.created_by == client.user
        assert ActivityLog.objects.filter(action="sar.created").exists()
    home = client.get(reverse("organisations:home", args=[organisation.slug])).content.decode()
    assert "answer this subject access request" in home
    assert "Mrs Patel&#x27;s daughter" in home

    client.post(
        _url("sar_edit", organisation, sar.pk),
        {
            "requester": "Mrs Patel's daughter",
            "received_on": received.isoformat(),
            "identity_checked_on": received.isoformat(),
            "completed_on": timezone.localdate().isoformat(),
        },
    )
    with scopes_disabled():
        change = ActivityLog.objects.get(action="sar.updated")
        assert set(change.changes) == {"identity_checked_on", "completed_on"}
    home = client.get(reverse("organisations:home", args=[organisation.slug])).content.decode()
    assert "answer this subject access request" not in home


def test_the_list_filters_by_status(organisation, client_as):
    today = timezone.localdate()
    SubjectAccessRequestFactory(
        organisation=organisation, requester="Overdue one", received_on=today - dt.timedelta(60)
    )
    SubjectAccessRequestFactory(organisation=organisation, requester="Fresh one")
    SubjectAccessRequestFactory(organisation=OrganisationFactory(), requester="Not ours")
    client = client_as(Role.VIEWER)
    page = client.get(_url("sars", organisation)).content.decode()
    assert "Overdue one" in page and "Fresh one" in page and "Not ours" not in page
    page = client.get(_url("sars", organisation), {"status": "overdue"}).content.decode()
    assert "Overdue one" in page and "Fresh one" not in page
    page = client.get(_url("sars", organisation), {"q": "fresh"}).content.decode()
    assert "Overdue one" not in page and "Fresh one" in page


def test_a_viewer_reads_a_request_but_cannot_save_it(organisation, client_as):
    sar = SubjectAccessRequestFactory(organisation=organisation)
    client = client_as(Role.VIEWER)
    assert (
        "can read the requests"
        in client.get(_url("sar_edit", organisation, sar.pk)).content.decode()
    )
    assert client.post(_url("sar_edit", organisation, sar.pk), {}).status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(organisation, client_as, kind):
    source = OrganisationFactory()
    SubjectAccessRequestFactory(
        organisation=source,
        requester="=Former resident",
        received_on=dt.date(2026, 1, 5),
        identity_checked_on=dt.date(2026, 1, 6),
        extension_reason="Records from two homes",
        completed_on=dt.date(2026, 3, 1),
        notes="Sent by recorded delivery",
    )
    SubjectAccessRequestFactory(
        organisation=source, requester="Staff member", received_on=dt.date(2026, 2, 1)
    )
    with scopes_disabled():
        head, rows = spreadsheets.table(
            SarForm, SubjectAccessRequest.objects.filter(organisation=source).order_by("pk")
        )
    body = (
        spreadsheets.to_csv(head, rows).encode()
        if kind == "csv"
        else spreadsheets.to_xlsx(head, rows, "R")
    )
    response = client_as(Role.EDITOR).post(
        _url("sars_import", organisation),
        {"file": SimpleUploadedFile(f"requests.{kind}", body)},
    )
    assert response.status_code == 302
    with scopes_disabled():
        again = spreadsheets.table(
            SarForm, SubjectAccessRequest.objects.filter(organisation=organisation).order_by("pk")
        )
        assert again == (head, rows)
        assert (
            ActivityLog.objects.filter(organisation=organisation, action="sar.created").count() == 2
        )
    assert client_as(Role.VIEWER).get(_url("sars_export", organisation)).status_code == 200
