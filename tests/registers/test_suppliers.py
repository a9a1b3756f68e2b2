"""Suppliers: administrator agreements (4.3.1), validation, the verdict, spreadsheets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import AnswerType, Level
from assessments.outcome import assessment_outcome
from organisations.models import ActivityLog, Role
from registers import spreadsheets
from registers.forms import SupplierForm
from registers.models import Supplier
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import OrganisationFactory
from tests.registers.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def _url(name, org, *args):
    return reverse(f"registers:{name}", args=[org.slug, *args])


def _valid(**overrides):
    return {
        "name": "Acme IT",
        "service": "IT support",
        "contract_terms": "yes",
        "checked_on": "2026-01-05",
        **overrides,
    }


def test_a_supplier_with_admin_access_and_no_agreement_is_flagged(organisation, client_as):
    client = client_as(Role.EDITOR)
    assert (
        client.post(_url("supplier_create", organisation), _valid(admin_access="on")).status_code
        == 302
    )
    with scopes_disabled():
        supplier = Supplier.objects.get()
        assert supplier.needs_admin_agreement
        assert ActivityLog.objects.filter(action="supplier.created").exists()
    page = client.get(_url("suppliers", organisation)).content.decode()
    assert "No agreement signed (4.3.1)" in page
    page = client.get(_url("suppliers", organisation), {"show": "no_agreement"}).content.decode()
    assert "Acme IT" in page
    client.post(
        _url("supplier_edit", organisation, supplier.pk),
        _valid(admin_access="on", admin_agreement_signed_on="2026-01-06"),
    )
    with scopes_disabled():
        supplier.refresh_from_db()
        assert not supplier.needs_admin_agreement
        change = ActivityLog.objects.get(action="supplier.updated")
        assert change.changes["admin_agreement_signed_on"] == [None, "2026-01-06"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"admin_agreement_signed_on": "2026-01-06"}, "admin_access", "tick this if they have"),
        ({"checked_on": "2099-01-01"}, "checked_on", "This is in the future."),
        ({"service": ""}, "service", "This field is required."),
    ],
)
def test_a_bad_entry_gets_a_message_next_to_the_field(
    organisation, client_as, data, field, message
):
    response = client_as(Role.EDITOR).post(_url("supplier_create", organisation), _valid(**data))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f"id_{field}_error" in response.content.decode()
    assert not Supplier.objects.exists()


def test_4_3_1_does_not_count_while_an_admin_supplier_has_no_agreement(organisation):
    with scopes_disabled():
        a = assessment_for(
            organisation,
            catalogue_with(
                [{"ref": "4.3.1", "level": Level.MET, "answer_type": AnswerType.CONFIRMATION}]
            ),
        )
        answer(a.responses.get(), answer_confirmed=True)
    SupplierFactory(organisation=organisation, name="Acme IT", admin_access=False)
    with scopes_disabled():
        assert assessment_outcome(a).held_back == []
    SupplierFactory(organisation=organisation, name="Remote Fix Ltd", admin_access=True)
    with scopes_disabled():
        (held,) = assessment_outcome(a).held_back
    assert "Remote Fix Ltd has administrator access" in " ".join(held.reasons)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(organisation, client_as, kind):
    source = OrganisationFactory()
    SupplierFactory(
        organisation=source,
        name="Remote Fix Ltd",
        contact="help@remotefix.example, 0161 000 0000",
        contract_terms="yes",
        certification="Cyber Essentials Plus, until March 2027",
        admin_access=True,
        admin_agreement_signed_on=dt.date(2026, 1, 6),
        checked_on=dt.date(2026, 1, 6),
    )
    SupplierFactory(organisation=source, name="Window cleaner", handles_personal_data=False)
    with scopes_disabled():
        head, rows = spreadsheets.table(
            SupplierForm, Supplier.objects.filter(organisation=source).order_by("pk")
        )
    body = (
        spreadsheets.to_csv(head, rows).encode()
        if kind == "csv"
        else spreadsheets.to_xlsx(head, rows, "S")
    )
    response = client_as(Role.EDITOR).post(
        _url("suppliers_import", organisation), {"file": SimpleUploadedFile(f"s.{kind}", body)}
    )
    assert response.status_code == 302
    with scopes_disabled():
        again = spreadsheets.table(
            SupplierForm, Supplier.objects.filter(organisation=organisation).order_by("pk")
        )
        assert again == (head, rows)
    assert client_as(Role.VIEWER).get(_url("suppliers_export", organisation)).status_code == 200
