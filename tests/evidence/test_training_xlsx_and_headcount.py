"""The training register imports an Excel workbook like a CSV (same columns, same
messages per row), and says when its head count differs from the organisation's own."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import Workbook

from assessments.checks import assessment_warnings
from assessments.models import AnswerType, Level
from evidence.models import StaffMember
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with
from tests.evidence.factories import StaffMemberFactory, TrainingRecordFactory
from tests.evidence.test_training import BAD_CSV, _post_csv

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post_xlsx(client, organisation, raw: bytes, name="register.xlsx"):
    return client.post(
        reverse("evidence:training_import", args=[organisation.slug]),
        {"file": SimpleUploadedFile(name, raw, content_type=XLSX)},
    )


def _errors(page) -> list[str]:
    return [e.split("</li>")[0] for e in page.split("<li>Row ")[1:]]


def test_an_excel_file_is_previewed_then_imported(organisation, client_as):
    client = client_as(Role.EDITOR)
    raw = _xlsx(
        [
            [
                "Name",
                "Job title",
                "Start date",
                "Director",
                "Data access",
                "Course",
                "Completed on",
            ],
            # Real Excel cells: dates, a tick box (TRUE/FALSE) and text.
            [
                "Ann Smith",
                "Care assistant",
                dt.datetime(2024, 3, 1),
                False,
                True,
                "Data security awareness",
                dt.datetime(2025, 9, 15),
            ],
            ["Bob Jones", "Director", None, True, None, None, None],
            [None, None, None, None, None, None, None],  # a blank row is skipped
            ["Cara Lee", "Cook", "01/02/2025", "no", "yes", "DCH quiz", "2025-10-01"],
        ]
    )
    preview = _post_xlsx(client, organisation, raw)
    assert "All 3 rows can be imported" in preview.content.decode()
    with scopes_disabled():
        assert not StaffMember.objects.exists()

    client.post(
        reverse("evidence:training_import", args=[organisation.slug]),
        {"confirm": "1", "text": preview.context["preview"].text},
    )

    with scopes_disabled():
        ann = StaffMember.objects.get(name="Ann Smith")
        assert ann.started_on == dt.date(2024, 3, 1) and not ann.is_director
        assert ann.training_records.get().completed_on == dt.date(2025, 9, 15)
        assert StaffMember.objects.get(name="Bob Jones").is_director
        assert StaffMember.objects.get(name="Cara Lee").started_on == dt.date(2025, 2, 1)


def test_an_excel_file_with_bad_rows_gets_the_same_messages_as_the_csv(organisation, client_as):
    client = client_as(Role.EDITOR)
    rows = [line.split(",") for line in BAD_CSV.strip().splitlines()]

    from_csv = _post_csv(client, organisation, BAD_CSV).content.decode()
    from_xlsx = _post_xlsx(client, organisation, _xlsx(rows)).content.decode()

    assert _errors(from_xlsx) == _errors(from_csv)
    assert "3: Name is missing." in _errors(from_xlsx)
    assert "nothing has been imported" in from_xlsx and 'name="confirm"' not in from_xlsx


def test_a_damaged_excel_file_gets_a_clear_message(organisation, client_as):
    client = client_as(Role.EDITOR)
    page = _post_xlsx(client, organisation, b"PK\x03\x04\x00\x00binary\x00")
    assert page.status_code == 200
    assert "This Excel file could not be read" in page.content.decode()
    page = _post_csv(client, organisation, "\x00\x01 not text")
    assert "This is not a CSV or Excel (.xlsx) file" in page.content.decode()


def test_an_excel_file_that_unpacks_too_far_is_refused(organisation, client_as, monkeypatch):
    from evidence import training_import

    monkeypatch.setattr(training_import, "MAX_UNPACKED", 1000)  # a real bomb, scaled down
    page = _post_xlsx(client_as(Role.EDITOR), organisation, _xlsx([["name"], ["Ann Smith"]]))
    assert "unpacks to far more than a staff register needs" in page.content.decode()
    with scopes_disabled():
        assert not StaffMember.objects.exists()


# ---------------------------------------------------------------- head count


@scopes_disabled()
def _register(organisation, n: int):
    for i in range(n):
        TrainingRecordFactory(
            staff_member=StaffMemberFactory(organisation=organisation, name=f"Carer {i:02d}"),
            completed_on=dt.date(2025, 10, 1),
        )


def _training_page(client, organisation) -> str:
    return client.get(reverse("evidence:training", args=[organisation.slug])).content.decode()


@time_machine.travel("2026-03-01 10:00 +0000", tick=False)
def test_the_training_page_says_when_the_register_is_short_of_the_stated_number(
    organisation, client_as
):
    organisation.staff_headcount = 42
    organisation.save()
    _register(organisation, 40)

    page = _training_page(client_as(Role.ADMIN), organisation)

    assert (
        "The training register counts 40 people with access to personal data on 30 June "
        "2026, but your organisation&#x27;s details say 42. 2 people are missing"
    ) in page
    assert reverse("organisations:settings", args=[organisation.slug]) in page


@time_machine.travel("2026-03-01 10:00 +0000", tick=False)
def test_more_on_the_register_than_stated_and_no_message_when_they_agree(organisation, client_as):
    organisation.staff_headcount = 3
    organisation.save()
    _register(organisation, 5)
    client = client_as(Role.VIEWER)
    page = _training_page(client, organisation)
    assert "2 more than stated. Add a leaving date for anyone who has left" in page
    assert reverse("organisations:settings", args=[organisation.slug]) not in page  # viewer

    organisation.staff_headcount = 5
    organisation.save()
    assert "Head count differs" not in _training_page(client, organisation)
    organisation.staff_headcount = None  # not stated: nothing to compare
    organisation.save()
    assert "Head count differs" not in _training_page(client, organisation)


@time_machine.travel("2026-03-01 10:00 +0000", tick=False)
def test_item_3_2_1_warns_when_the_head_counts_differ(organisation, client_as):
    organisation.staff_headcount = 12
    organisation.save()
    _register(organisation, 10)
    item = {
        "ref": "3.2.1",
        "summary": "At least 95% of staff trained",
        "level": Level.MET,
        "answer_type": AnswerType.CONFIRMATION,
        "app_hint": "percentage",
    }
    assessment = assessment_for(organisation, catalogue_with([item]))
    with scopes_disabled():
        response = assessment.responses.select_related("item").get()

    with scope(organisation=organisation):  # as the item page calls it
        found = assessment_warnings(assessment, [response])
    (warning,) = [w for w in found[response.pk] if w.code == "training_headcount_differs"]
    assert warning.title == (
        "The training register counts 10 people, but your organisation's details say 12"
    )
    assert "2 people are missing from the register" in warning.fix
    page = client_as(Role.EDITOR).get(
        reverse("assessments:item", args=[organisation.slug, response.pk])
    )
    assert "your organisation&#x27;s details say 12" in page.content.decode()
