"""Suppliers: administrator agreements (4.3.1), validation, the verdict, spreadsheets."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import AnswerType, Level
from assessments.outcome import assessment_outcome
from organisations.models import ActivityLog, Role
from registers import spreadsheets
from registers.forms import SupplierForm
from registers.models import Supplier
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.evidence.factories import DocumentFactory
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


# -- the signed administrator agreement, linked from the evidence library (4.3.1) ---------


def _agreement(organisation, title="IT support admin agreement", **kwargs):
    return DocumentFactory(organisation=organisation, title=title, kind="other", **kwargs)


def _signed(organisation, document=None, **kwargs):
    """A supplier with administrator access whose agreement was signed on 6 January."""
    return SupplierFactory(
        organisation=organisation,
        admin_access=True,
        admin_agreement_signed_on=dt.date(2026, 1, 6),
        admin_agreement_document=document,
        **kwargs,
    )


def test_the_signed_agreement_is_chosen_from_this_homes_library_and_audited(
    organisation, other_organisation, client_as
):
    mine = _agreement(organisation)
    _agreement(organisation, title="Old agreement", archived_at=timezone.now())
    _agreement(other_organisation, title="Elsewhere's agreement")
    client = client_as(Role.EDITOR)
    page = client.get(_url("supplier_create", organisation))
    offered = [str(d) for d in page.context["form"].fields["admin_agreement_document"].queryset]
    assert offered == ["IT support admin agreement"]  # not archived, not another home's
    assert "Elsewhere&#x27;s agreement" not in page.text and "Old agreement" not in page.text

    data = _valid(
        admin_access="on", admin_agreement_signed_on="2026-01-06", admin_agreement_document=mine.pk
    )
    assert client.post(_url("supplier_create", organisation), data).status_code == 302
    with scopes_disabled():
        supplier = Supplier.objects.get()
        assert supplier.admin_agreement_document == mine
        created = ActivityLog.objects.get(action="supplier.created")
    assert created.changes["admin_agreement_document"] == [None, "IT support admin agreement"]

    client.post(
        _url("supplier_edit", organisation, supplier.pk),
        _valid(admin_access="on", admin_agreement_signed_on="2026-01-06"),
    )
    with scopes_disabled():
        updated = ActivityLog.objects.get(action="supplier.updated")
    assert updated.changes == {"admin_agreement_document": ["IT support admin agreement", None]}


@pytest.mark.parametrize("whose", ["another home's", "archived", "no such"])
def test_a_document_the_page_does_not_offer_is_refused_next_to_the_field(
    organisation, other_organisation, client_as, whose
):
    document = {
        "another home's": lambda: _agreement(other_organisation).pk,
        "archived": lambda: _agreement(organisation, archived_at=timezone.now()).pk,
        "no such": lambda: 999999,
    }[whose]()
    data = _valid(
        admin_access="on", admin_agreement_signed_on="2026-01-06", admin_agreement_document=document
    )
    response = client_as(Role.EDITOR).post(_url("supplier_create", organisation), data)
    assert response.status_code == 200
    assert response.context["form"].errors["admin_agreement_document"] == [
        "Choose one of this home's documents in the evidence library."
    ]
    assert "id_admin_agreement_document_error" in response.text
    assert not Supplier.objects.exists()


def test_an_agreement_archived_after_it_was_chosen_does_not_block_other_changes(
    organisation, client_as
):
    document = _agreement(organisation)
    supplier = _signed(organisation, document)
    with scopes_disabled():
        document.archived_at = timezone.now()
        document.save()
    data = _valid(
        name="Acme IT Ltd",
        admin_access="on",
        admin_agreement_signed_on="2026-01-06",
        admin_agreement_document=document.pk,
    )
    response = client_as(Role.EDITOR).post(_url("supplier_edit", organisation, supplier.pk), data)
    assert response.status_code == 302
    with scopes_disabled():
        supplier.refresh_from_db()
    assert supplier.name == "Acme IT Ltd" and supplier.admin_agreement_document == document


def test_the_list_links_the_signed_agreement_or_asks_for_it(
    organisation, client_as, django_assert_max_num_queries
):
    for n in range(3):
        _signed(organisation, _agreement(organisation, title=f"Agreement {n}"), name=f"Linked {n}")
    unfiled = _signed(organisation, name="Remote Fix Ltd")
    SupplierFactory(organisation=organisation, name="Unsigned", admin_access=True)
    with scopes_disabled():
        linked = Supplier.objects.select_related("admin_agreement_document").get(name="Linked 0")
    document = linked.admin_agreement_document
    editor = client_as(Role.EDITOR)
    editor.get(_url("suppliers", organisation))
    with django_assert_max_num_queries(20):
        page = editor.get(_url("suppliers", organisation)).text
    link = reverse("evidence:document", args=[organisation.slug, document.pk])
    assert f'href="{link}">Agreement 0</a>' in page
    # Only the signed one with no copy filed is asked for; the unsigned one is flagged "bad".
    assert page.count("Add the signed agreement") == 1
    assert _url("supplier_edit", organisation, unfiled.pk) in page.split("Add the signed")[0]
    viewer_page = client_as(Role.VIEWER).get(_url("suppliers", organisation)).text
    assert '<span class="tag tag--info">Add the signed agreement</span>' in viewer_page

    edit = editor.get(_url("supplier_edit", organisation, linked.pk))
    assert f'href="{link}"' in edit.text


def test_removing_the_document_leaves_the_supplier_with_the_date(organisation):
    document = _agreement(organisation)
    supplier = _signed(organisation, document)
    with scopes_disabled():
        document.delete()  # the purge after archiving
        supplier.refresh_from_db()
    assert supplier.admin_agreement_document is None
    assert supplier.needs_agreement_document and not supplier.needs_admin_agreement


def _import(client, organisation, rows, kind="csv"):
    body = (
        spreadsheets.to_csv(*rows).encode() if kind == "csv" else spreadsheets.to_xlsx(*rows, "S")
    )
    return client.post(
        _url("suppliers_import", organisation), {"file": SimpleUploadedFile(f"s.{kind}", body)}
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_agreement_goes_out_and_back_by_its_title(organisation, client_as, kind):
    document = _agreement(organisation)
    _signed(organisation, document, name="Remote Fix Ltd")
    client = client_as(Role.EDITOR)
    export = client.get(_url("suppliers_export", organisation))
    head, *lines = list(csv.reader(io.StringIO(export.content.decode())))
    column = head.index("The signed agreement in your evidence library")
    assert lines[0][column] == "IT support admin agreement"
    with scopes_disabled():
        table = spreadsheets.table(
            SupplierForm, Supplier.objects.filter(organisation=organisation).order_by("pk")
        )
        Supplier.objects.all().delete()

    assert _import(client, organisation, table, kind).status_code == 302
    with scopes_disabled():
        assert Supplier.objects.get().admin_agreement_document == document
        again = spreadsheets.table(
            SupplierForm, Supplier.objects.filter(organisation=organisation).order_by("pk")
        )
    assert again == table


@pytest.mark.parametrize(
    ("titles", "message"),
    [
        ([], "no current document in your library is called “IT support admin agreement”"),
        (["Elsewhere"], "no current document in your library is called"),
        (["Here", "Here"], "2 documents in your library are called “IT support admin agreement”"),
    ],
)
def test_an_agreement_title_that_is_missing_or_shared_stops_the_import(
    organisation, other_organisation, client_as, titles, message
):
    for where in titles:
        _agreement(organisation if where == "Here" else other_organisation)
    head = ["Supplier", "What they do for you", "Has administrator access to your IT"]
    head += ["Higher-standard agreement signed on", "The signed agreement in your evidence library"]
    head += ["Details last checked on"]
    row = ["Remote Fix Ltd", "IT support", "yes", "2026-01-06", "IT support admin agreement"]
    row += ["2026-01-06"]
    response = _import(client_as(Role.EDITOR), organisation, (head, [row]))
    assert response.status_code == 200
    assert message in response.text
    assert "Nothing has been imported." in response.text
    assert not Supplier.objects.exists()
