"""Imports are bounded and hostile spreadsheets are refused with the ordinary message: a part
with no name, an external entity, an entity bomb; a file over the limit is dropped while it
streams in, before it is read in full."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

NOT_READABLE = "not an Excel (.xlsx) file we can read"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _checklist() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Checklist"
    sheet.append(["Item ID", "Answer"])
    sheet.append(["1.1.1", "Yes"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_checklist()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info.filename, change(data) if info.filename == part else data)
    return out.getvalue()


def override_without_part_name() -> bytes:
    return _rewrite(
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"<Override ", b'<Override ContentType="application/xml"/><Override ', 1
        ),
    )


def external_entity() -> bytes:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    return _rewrite(
        "xl/worksheets/sheet1.xml",
        lambda xml: doctype + xml.replace(b"<t>1.1.1</t>", b"<t>&e;</t>"),
    )


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)).replace(
        "&lol0;", "lol"
    )
    doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
    return _rewrite(
        "xl/worksheets/sheet1.xml",
        lambda xml: doctype + xml.replace(b"<t>1.1.1</t>", b"<t>&lol9;</t>"),
    )


@pytest.mark.parametrize("make", [override_without_part_name, external_entity, billion_laughs])
def test_a_hostile_spreadsheet_gets_the_ordinary_message(client_as, organisation, make):
    assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    response = client_as(Role.EDITOR).post(
        reverse("reports:import", args=[organisation.slug]),
        {"file": SimpleUploadedFile("checklist.xlsx", make(), content_type=XLSX)},
    )
    assert response.status_code == 200
    assert NOT_READABLE in response.text
    assert "root:" not in response.text


def test_an_oversized_checklist_is_dropped_while_it_streams_in(client_as, organisation):
    assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    big = SimpleUploadedFile("big.xlsx", b"PK" + b"\0" * (3 * 1024 * 1024), content_type=XLSX)
    response = client_as(Role.EDITOR).post(
        reverse("reports:import", args=[organisation.slug]), {"file": big}
    )
    assert "larger than 2 MB" in response.text
    assert "file" not in response.wsgi_request.FILES  # never kept whole
    assert response.wsgi_request.oversized_uploads == {"file"}


def test_an_oversized_training_register_is_dropped_while_it_streams_in(client_as, organisation):
    big = SimpleUploadedFile("register.csv", b"name,course\n" * 300_000, content_type="text/csv")
    response = client_as(Role.EDITOR).post(
        reverse("evidence:training_import", args=[organisation.slug]), {"file": big}
    )
    assert response.status_code == 200
    assert "larger than 2.0" in response.text
    assert "file" not in response.wsgi_request.FILES


def test_spreadsheets_are_parsed_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # entity tricks are refused by the XML parser itself
