"""Spreadsheet safety: no formulas from user text, no flood of rows on import."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from reports.spreadsheets import MAX_IMPORT_ROWS, checklist_read, checklist_xlsx
from tests.assessments.factories import assessment_for, catalogue_with
from tests.reports.conftest import in_scope

pytestmark = pytest.mark.django_db


def test_an_organisation_name_never_becomes_a_formula(organisation):
    organisation.name = '=HYPERLINK("http://evil.example","x")'
    organisation.save()
    assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    data = in_scope(organisation, checklist_xlsx, assessment)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    notes = load_workbook(io.BytesIO(data))["How to use"]
    assert notes["A1"].value.startswith("=HYPERLINK")  # shown as text, not run


def test_a_file_with_thousands_of_rows_is_refused_with_a_message(organisation):
    assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    book = Workbook()
    sheet = book.active
    sheet.title = "Checklist"
    sheet.append(["Item ID", "Answer"])
    for i in range(MAX_IMPORT_ROWS + 5):
        sheet.append([f"1.1.{i}", "x"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("flood.xlsx", out.getvalue())
    preview = in_scope(organisation, checklist_read, assessment, upload)
    assert "more than 2,000 rows" in preview.file_error
