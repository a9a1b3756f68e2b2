"""Checklist export (XLSX, CSV) and import: preview first, per-row errors, nothing written
until the user confirms, and export -> import changes nothing."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from assessments.models import AssessmentStatus, Response
from organisations.models import ActivityLog, Role
from reports import services, spreadsheets
from reports.spreadsheets import NARRATIVE
from tests.reports.conftest import in_scope

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The export, preview and import run in the organisation's scope, as the reports pages call them.
def checklist_xlsx(assessment) -> bytes:
    return in_scope(assessment.organisation, spreadsheets.checklist_xlsx, assessment)


def checklist_csv(assessment) -> str:
    return in_scope(assessment.organisation, spreadsheets.checklist_csv, assessment)


def checklist_read(assessment, upload):
    return in_scope(assessment.organisation, spreadsheets.checklist_read, assessment, upload)


def checklist_apply(*, assessment, **kwargs) -> int:
    return in_scope(
        assessment.organisation, services.checklist_apply, assessment=assessment, **kwargs
    )


@scopes_disabled()  # a direct read of the stored answers
def _response(assessment, ref: str) -> Response:
    return assessment.responses.select_related("item").get(item__ref=ref)


@scopes_disabled()
def _responses(assessment, *related: str) -> list[Response]:
    return list(assessment.responses.select_related(*related))


@scopes_disabled()
def _logged(**filters) -> bool:
    return ActivityLog.objects.filter(**filters).exists()


@scopes_disabled()
def _answers(assessment) -> list[tuple]:
    return list(
        Response.objects.filter(assessment=assessment)
        .order_by("item__sort_key")
        .values_list(
            "item__ref", "answer_confirmed", "answer_text", "answer_number", "answer_date",
            "narrative", "not_applicable", "na_reason", "status",
        )
    )  # fmt: skip


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("checklist.xlsx", content, content_type=XLSX)


def _edit(content: bytes, edits: dict[tuple[str, str], object]) -> bytes:
    """Change cells by (item ID, column name) and return the new file."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Checklist"]
    headers = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for (ref, column), value in edits.items():
        rows[ref][headers.index(column)].value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_export_lists_every_item_in_toolkit_order_with_answers_and_statuses(complete_assessment):
    sheet = load_workbook(io.BytesIO(checklist_xlsx(complete_assessment)))["Checklist"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Item ID", "Standard", "Evidence item")
    refs = [r[0] for r in rows[1:]]
    assert refs == [a[0] for a in _answers(complete_assessment)]
    col = {name: i for i, name in enumerate(rows[0])}
    by_ref = {r[0]: r for r in rows[1:]}
    assert by_ref["1.1.1"][col["Answer"]].startswith("Held in the IG folder")
    assert by_ref["1.1.1"][col["Status"]] == "Done"
    assert "Information asset register" in by_ref["1.1.2"][col["Documents linked"]]


def test_csv_export_matches_and_neutralises_formulas(complete_assessment):
    response = _response(complete_assessment, "1.1.1")
    response.answer_text = '=HYPERLINK("http://evil.example")'
    response.save()
    rows = list(csv.reader(io.StringIO(checklist_csv(complete_assessment).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == [a[0] for a in _answers(complete_assessment)]
    assert rows[1][5].startswith("'=")


def test_export_then_import_changes_nothing(complete_assessment):
    before = _answers(complete_assessment)
    preview = checklist_read(complete_assessment, _upload(checklist_xlsx(complete_assessment)))
    assert preview.ok and preview.changes == []
    assert preview.unchanged == len(before)
    assert _answers(complete_assessment) == before


def test_an_empty_assessment_round_trips_too(organisation, catalogue):
    from tests.assessments.factories import assessment_for

    assessment = assessment_for(organisation, catalogue)
    preview = checklist_read(assessment, _upload(checklist_xlsx(assessment)))
    assert preview.ok and preview.changes == []


def test_import_previews_changes_and_writes_only_on_confirm(complete_assessment, sap):
    content = _edit(
        checklist_xlsx(complete_assessment),
        {
            ("1.1.1", "Answer"): "ZA123456, renewed 1 April 2026",
            ("1.1.1", NARRATIVE): "Checked on the ICO register.",
            ("1.1.1", "Status"): "Ready for review",
        },
    )
    before = _answers(complete_assessment)
    preview = checklist_read(complete_assessment, _upload(content))
    assert preview.ok and [c.ref for c in preview.changes] == ["1.1.1"]
    shown = preview.changes[0].shown
    assert (
        NARRATIVE,
        "Checked by the registered manager.",
        "Checked on the ICO register.",
    ) in shown
    assert ("Status", "Done", "Ready for review") in shown
    assert _answers(complete_assessment) == before  # nothing written by the preview
    changes = [
        {"response_id": c.response_id, "ref": c.ref, "data": c.data} for c in preview.changes
    ]
    assert checklist_apply(assessment=complete_assessment, changes=changes, by=sap) == 1
    saved = _response(complete_assessment, "1.1.1")
    assert saved.answer_text == "ZA123456, renewed 1 April 2026"
    assert saved.status == "ready_for_review"
    # Audited per response (through the assessments app's service) and for the import.
    assert _logged(action="response.updated", object_id=str(saved.pk))
    assert _logged(action="checklist.imported")


@pytest.fixture
def typed_assessment(organisation):
    """One item of each answer type, all answered; 1.1.5 allows 'not applicable'."""
    from tests.assessments.factories import answer, assessment_for, catalogue_with

    catalogue = catalogue_with(
        [
            {"ref": "1.1.1", "answer_type": "text"},
            {"ref": "1.1.2", "answer_type": "confirmation"},
            {"ref": "1.1.3", "answer_type": "number"},
            {"ref": "1.1.4", "answer_type": "date"},
            {"ref": "1.1.5", "answer_type": "document", "na_allowed": True},
        ]
    )
    assessment = assessment_for(organisation, catalogue)
    for response in _responses(assessment, "item"):
        answer(response)
    return assessment


def test_typed_answers_round_trip_and_are_read_from_their_cells(typed_assessment, sap):
    assert checklist_read(typed_assessment, _upload(checklist_xlsx(typed_assessment))).changes == []
    number_ref, confirm_ref, date_ref = "1.1.3", "1.1.2", "1.1.4"
    complete_assessment = typed_assessment
    content = _edit(
        checklist_xlsx(complete_assessment),
        {
            (number_ref, "Answer"): "96.5%",
            (confirm_ref, "Answer"): "No",
            (date_ref, "Answer"): "31/03/2026",
            ("1.1.5", "Not applicable"): "Yes",
            ("1.1.5", "Why it does not apply"): "We hold no paper records.",
        },
    )
    preview = checklist_read(complete_assessment, _upload(content))
    assert preview.ok, preview.errors
    data = {c.ref: c.data for c in preview.changes}
    assert data[number_ref] == {"answer_number": "96.50"}
    assert data[confirm_ref] == {"answer_confirmed": False}
    assert data[date_ref] == {"answer_date": "2026-03-31"}
    assert data["1.1.5"] == {"not_applicable": True, "na_reason": "We hold no paper records."}
    checklist_apply(
        assessment=complete_assessment,
        changes=[
            {"response_id": c.response_id, "ref": c.ref, "data": c.data} for c in preview.changes
        ],
        by=sap,
    )
    assert _response(complete_assessment, number_ref).answer_number == Decimal("96.5")
    assert _response(complete_assessment, date_ref).answer_date == dt.date(2026, 3, 31)
    assert _response(complete_assessment, "1.1.5").not_applicable


def test_bad_rows_change_nothing_and_each_is_reported(typed_assessment):
    edits = {
        ("1.1.1", "Answer"): "A perfectly good change",
        ("1.1.2", "Not applicable"): "Yes",
        ("1.1.3", "Answer"): "about ninety",
        ("1.1.4", "Answer"): "next Tuesday",
        ("1.1.5", "Not applicable"): "Yes",  # allowed, but no reason given
    }
    content = _edit(checklist_xlsx(typed_assessment), edits)
    workbook = load_workbook(io.BytesIO(content))
    workbook["Checklist"].append(["9.9.9", "", "", "", "", "yes"])
    workbook["Checklist"].append(["1.1.1", "", "", "", "", "twice"])
    out = io.BytesIO()
    workbook.save(out)
    before = _answers(typed_assessment)
    preview = checklist_read(typed_assessment, _upload(out.getvalue()))
    assert not preview.ok
    assert preview.errors == [
        "Row 3 (1.1.2): This item cannot be marked not applicable.",
        "Row 4 (1.1.3): Answer must be a number, not “about ninety”.",
        "Row 5 (1.1.4): Answer must be a date like 31/03/2026, not “next Tuesday”.",
        "Row 6 (1.1.5): Say why it does not apply in “Why it does not apply”.",
        "Row 7 (9.9.9): “9.9.9” is not an item ID in this year's toolkit.",
        "Row 8 (1.1.1): This item appears twice in the file.",
    ]
    assert _answers(typed_assessment) == before


def test_a_file_that_is_not_a_spreadsheet_gets_a_plain_message(complete_assessment):
    preview = checklist_read(complete_assessment, _upload(b"name,answer\n1.1.1,yes\n"))
    assert "not an Excel (.xlsx) file" in preview.file_error


def test_import_page_flow_preview_then_confirm(complete_assessment, client_as):
    client = client_as(Role.EDITOR)
    url = reverse("reports:import", kwargs={"org": "vn4k2"})
    content = _edit(checklist_xlsx(complete_assessment), {("1.1.1", NARRATIVE): "From the sheet"})
    page = client.post(url, {"file": _upload(content)})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check these changes" in html and "From the sheet" in html
    assert _response(complete_assessment, "1.1.1").narrative != "From the sheet"
    token = client.session["reports_import"]["token"]
    done = client.post(reverse("reports:import_confirm", kwargs={"org": "vn4k2"}), {"token": token})
    assert done.status_code == 302
    assert _response(complete_assessment, "1.1.1").narrative == "From the sheet"
    # The same confirmation cannot be replayed.
    again = client.post(
        reverse("reports:import_confirm", kwargs={"org": "vn4k2"}), {"token": token}
    )
    assert again.status_code == 302 and again["Location"].endswith("/import/")


def test_import_page_shows_row_errors_and_offers_no_confirm(complete_assessment, client_as):
    client = client_as(Role.EDITOR)
    content = _edit(checklist_xlsx(complete_assessment), {("1.1.3", "Status"): "Nearly"})
    page = client.post(
        reverse("reports:import", kwargs={"org": "vn4k2"}), {"file": _upload(content)}
    )
    html = page.content.decode()
    assert "Nothing has been saved" in html and "Row " in html and "(1.1.3)" in html
    assert "import/confirm" not in html


def test_import_is_refused_while_the_assessment_is_locked(complete_assessment, client_as):
    complete_assessment.status = AssessmentStatus.AWAITING_APPROVAL
    complete_assessment.save()
    client = client_as(Role.EDITOR)
    content = _edit(checklist_xlsx(complete_assessment), {("1.1.1", NARRATIVE): "Sneaky"})
    page = client.post(
        reverse("reports:import", kwargs={"org": "vn4k2"}), {"file": _upload(content)}
    )
    assert "waiting for approval" in page.content.decode()
    assert _response(complete_assessment, "1.1.1").narrative != "Sneaky"


def test_dates_are_real_dates_in_the_spreadsheet(typed_assessment):
    sheet = load_workbook(io.BytesIO(checklist_xlsx(typed_assessment)))["Checklist"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.1.4")
    assert row[5].value.date() == dt.date(2026, 3, 1)
    assert row[5].number_format == "dd/mm/yyyy"


# ---------------------------------------------------------------- dates, percentages, owners


@pytest.fixture
def hinted_assessment(organisation, member):
    """1.3.1 asks when it was last done, 3.2.1 for a percentage; both have owners."""
    from tests.assessments.factories import answer, assessment_for, catalogue_with

    catalogue = catalogue_with(
        [
            {"ref": "1.3.1", "answer_type": "confirmation", "app_hint": "date"},
            {"ref": "3.2.1", "answer_type": "confirmation", "app_hint": "percentage"},
            {"ref": "7.1.1", "answer_type": "text", "na_allowed": True},
        ]
    )
    assessment = assessment_for(organisation, catalogue)
    owner = member(Role.EDITOR, full_name="Priya Shah", email="priya@meadowbank.example")
    rs = {r.item.ref: r for r in _responses(assessment, "item")}
    answer(rs["1.3.1"], answer_confirmed=True, answer_date=dt.date(2026, 2, 14), owner=owner)
    answer(rs["3.2.1"], answer_confirmed=True, answer_number=Decimal("96.5"), owner=owner)
    answer(rs["7.1.1"], not_applicable=True, na_reason="No paper records leave the home")
    return assessment


def _cells(content: bytes) -> dict[str, dict]:
    sheet = load_workbook(io.BytesIO(content))["Checklist"]
    rows = list(sheet.iter_rows(values_only=True))
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_export_carries_last_done_dates_percentages_owners_and_na_reasons(hinted_assessment):
    cells = _cells(checklist_xlsx(hinted_assessment))
    assert cells["1.3.1"]["Last done or reviewed"].date() == dt.date(2026, 2, 14)
    assert cells["1.3.1"]["Owner"] == "Priya Shah"
    assert cells["3.2.1"]["Percentage"] == 96.5
    assert cells["7.1.1"]["Why it does not apply"] == "No paper records leave the home"
    rows = list(csv.reader(io.StringIO(checklist_csv(hinted_assessment).lstrip("\ufeff"))))
    by_ref = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_ref["1.3.1"]["Last done or reviewed"] == "14/02/2026"
    assert by_ref["3.2.1"]["Percentage"] == "96.5"
    assert by_ref["3.2.1"]["Owner"] == "Priya Shah"


def test_the_how_to_use_sheet_describes_the_columns_the_sheet_has(hinted_assessment):
    from reports.spreadsheets import EDITABLE, HEADERS

    workbook = load_workbook(io.BytesIO(checklist_xlsx(hinted_assessment)))
    notes = " ".join(str(row[0]) for row in workbook["How to use"].iter_rows(values_only=True))
    headers = [c.value for c in workbook["Checklist"][1]]
    assert headers == HEADERS
    for column in EDITABLE:
        assert column in headers and column in notes, column
    assert "Comments" not in headers  # named for what it holds


def test_round_trip_carries_edited_dates_percentages_and_owners(hinted_assessment, sap, member):
    new_owner = member(Role.EDITOR, full_name="Tom Okafor", email="tom@meadowbank.example")
    content = _edit(
        checklist_xlsx(hinted_assessment),
        {
            ("1.3.1", "Last done or reviewed"): "01/03/2026",
            ("3.2.1", "Percentage"): 98,
            ("3.2.1", "Owner"): "tom@meadowbank.example",
            ("1.3.1", "Owner"): None,
        },
    )
    preview = checklist_read(hinted_assessment, _upload(content))
    assert preview.ok, preview.errors
    shown = {row for c in preview.changes for row in c.shown}
    assert ("Last done or reviewed", "14/02/2026", "01/03/2026") in shown
    assert ("Percentage", "96.5", "98") in shown
    assert ("Owner", "Priya Shah", "Tom Okafor") in shown
    changes = [
        {"response_id": c.response_id, "ref": c.ref, "data": c.data} for c in preview.changes
    ]
    checklist_apply(assessment=hinted_assessment, changes=changes, by=sap)
    rs = {r.item.ref: r for r in _responses(hinted_assessment, "item", "owner")}
    assert rs["1.3.1"].answer_date == dt.date(2026, 3, 1) and rs["1.3.1"].owner is None
    assert rs["3.2.1"].answer_number == Decimal("98") and rs["3.2.1"].owner == new_owner
    # ... and the file exported now imports with no changes.
    again = checklist_read(hinted_assessment, _upload(checklist_xlsx(hinted_assessment)))
    assert again.ok and again.changes == []


def test_round_trip_carries_an_edited_not_applicable_reason(hinted_assessment, sap):
    content = _edit(
        checklist_xlsx(hinted_assessment),
        {("7.1.1", "Why it does not apply"): "All records are digital; none leave the home"},
    )
    preview = checklist_read(hinted_assessment, _upload(content))
    assert preview.ok, preview.errors
    assert [c.ref for c in preview.changes] == ["7.1.1"]
    changes = [
        {"response_id": c.response_id, "ref": c.ref, "data": c.data} for c in preview.changes
    ]
    checklist_apply(assessment=hinted_assessment, changes=changes, by=sap)
    na = _response(hinted_assessment, "7.1.1")
    assert na.not_applicable and na.na_reason == "All records are digital; none leave the home"
    cells = _cells(checklist_xlsx(hinted_assessment))
    assert cells["7.1.1"]["Why it does not apply"] == na.na_reason
    assert cells["1.3.1"]["Last done or reviewed"].date() == dt.date(2026, 2, 14)
    assert cells["3.2.1"]["Percentage"] == 96.5 and cells["3.2.1"]["Owner"] == "Priya Shah"


def test_wrong_owner_percentage_and_date_are_reported_per_row(hinted_assessment):
    content = _edit(
        checklist_xlsx(hinted_assessment),
        {
            ("1.3.1", "Owner"): "Someone Else",
            ("3.2.1", "Percentage"): 120,
            ("7.1.1", "Last done or reviewed"): "01/03/2026",
        },
    )
    preview = checklist_read(hinted_assessment, _upload(content))
    assert preview.errors == [
        "Row 2 (1.3.1): Owner “Someone Else” is not a member of your team. Use a name or "
        "email from the Team page, or leave it empty.",
        "Row 3 (3.2.1): Percentage must be between 0 and 100.",
        "Row 4 (7.1.1): This item does not ask when it was last done: leave that empty.",
    ]


def test_a_file_exported_with_the_old_comments_column_still_imports(hinted_assessment):
    content = _edit(checklist_xlsx(hinted_assessment), {("1.3.1", NARRATIVE): "Reviewed by Priya"})
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Checklist"]
    for cell in sheet[1]:
        if cell.value == NARRATIVE:
            cell.value = "Comments"
    out = io.BytesIO()
    workbook.save(out)
    preview = checklist_read(hinted_assessment, _upload(out.getvalue()))
    assert preview.ok
    assert [(c.ref, c.data) for c in preview.changes] == [
        ("1.3.1", {"narrative": "Reviewed by Priya"})
    ]
