"""import_dspt takes NHS England's spreadsheet: columns found by header name (with the
usual variants), a preview of what will load and what changes for assessments under way,
loaded only when confirmed; damaged or unexpected files get a plain message."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.catalogue import BUNDLED, catalogue_import
from assessments.models import AnswerType, CatalogueVersion, EvidenceItem, Level
from tests.assessments.factories import assessment_for
from tests.assessments.spreadsheet_factory import CAT3_ROWS, NHS_HEADER, nhs_workbook

pytestmark = pytest.mark.django_db
NHS_NAME = "Version8_25-26 CAT2 Cat3 and CAT4.xlsx"


def _file(tmp_path, content: bytes, name: str = NHS_NAME):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_dspt", str(path), *args, stdout=out)
    return out.getvalue()


def test_the_nhs_spreadsheet_loads_in_one_step_with_levels_and_answer_types(tmp_path):
    out = run(_file(tmp_path, nhs_workbook()), "--yes")
    assert "Loaded 2025-26 (DSPT v8, official list)" in out
    version = CatalogueVersion.objects.get(key="2025-26-v8-official")
    assert version.dspt_year == 2026
    items = {i.ref: i for i in EvidenceItem.objects.filter(version=version)}
    assert list(items) == ["1.1.1", "1.1.2", "1.3.1", "3.2.1", "7.3.4", "9.2.1"]  # Cat 3 only
    assert items["1.1.1"].level == Level.APPROACHING
    assert items["3.2.1"].level == Level.MET and items["9.2.1"].level == Level.OPTIONAL
    assert items["1.1.2"].answer_type == AnswerType.DOCUMENT
    assert items["1.3.1"].answer_type == AnswerType.CONFIRMATION
    assert items["1.1.1"].summary.startswith("What is your organisation's Information")
    assert items["1.1.1"].guidance == "Registration with the ICO is a legal requirement."
    assert items["3.2.1"].standard.name == "3. Training"


def test_without_confirmation_it_only_previews(tmp_path):
    out = run(_file(tmp_path, nhs_workbook()))
    assert "6 items" in out and "3 needed for Approaching Standards" in out
    assert "2 needed for Standards Met only, 1 optional" in out
    assert "Nothing loaded. Run again with --yes" in out
    assert not CatalogueVersion.objects.filter(key="2025-26-v8-official").exists()


def test_the_preview_says_what_changes_for_assessments_under_way(tmp_path, organisation):
    bundled = catalogue_import(path=BUNDLED).version
    assessment_for(organisation, bundled)
    out = run(_file(tmp_path, nhs_workbook()), "--dry-run")
    assert f"1 assessment under way on {bundled.label} can move to it" in out
    assert "answers kept for 6 items matched by ID; 0 new to answer" in out
    assert "45 no longer in the list (1.1.3, 1.1.5," in out
    assert "6 reworded (1.1.1, 1.1.2, 1.3.1, 3.2.1, 7.3.4, 9.2.1) to check" in out
    assert "3.2.1 is now" not in out  # same level as before
    # What the spreadsheet does not hold comes from the list already loaded.
    run(_file(tmp_path, nhs_workbook()), "--yes")
    item = EvidenceItem.objects.get(version__key="2025-26-v8-official", ref="7.3.4")
    assert item.valid_months == 12 and item.category == bundled.items.get(ref="7.3.4").category


def test_header_variants_and_per_category_flags_are_understood(tmp_path):
    header = [
        "Category", "Standard", "Assertion title", "Evidence Ref", "Question", "Guidance",
        "Response type", "Cat 2 Mandatory", "Cat 3 Mandatory", "Cat 3 AS",
    ]  # fmt: skip
    rows = [
        ["Category 3", "1. Data", "Framework", "1.1.1", "ICO number?", "", "Free text",
         "No", "Yes", "Yes"],
        ["Category 2", "1. Data", "Framework", "1.1.4", "Cat 2 only", "", "Text", "Yes", "No",
         "No"],
        ["Cat 3", "4. Access", "Admins", "4.3.1", "Admin agreements?", "", "Tick box", "Yes",
         "Yes", "No"],
    ]  # fmt: skip
    path = _file(tmp_path, nhs_workbook(rows, header, extra_sheets=False), "list.xlsx")
    run(path, "--yes", "--key", "test-official", "--year", "2026", "--label", "Test list")
    items = {i.ref: i for i in EvidenceItem.objects.filter(version__key="test-official")}
    assert list(items) == ["1.1.1", "4.3.1"]
    assert items["1.1.1"].level == Level.APPROACHING
    assert items["4.3.1"].level == Level.MET
    assert items["4.3.1"].answer_type == AnswerType.CONFIRMATION


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a spreadsheet", "not an Excel (.xlsx) file we can read"),
        (b"PK\x03\x04broken zip", "not an Excel (.xlsx) file we can read"),
        (
            nhs_workbook(header=["Item", "Words"], extra_sheets=False),
            "No sheet has a header row with an evidence item ID column",
        ),
        (
            nhs_workbook(header=NHS_HEADER[:6], extra_sheets=False),
            "no column for whether it is mandatory",
        ),
        (
            nhs_workbook([["1", "a", "1.1", "Text", "", "Text", "Yes", "No", None]]),
            "row 4: evidence item ID must look like 1.1.1 (got “1.1”)",
        ),
        (
            nhs_workbook([[*CAT3_ROWS[0][:5], "Dropdown", "Yes", "Maybe", None]]),
            "row 4: input type must be Yes/No, Text, Document, Number or Date (got “Dropdown”)",
        ),
    ],
    ids=["not-a-zip", "broken-zip", "no-id-column", "no-mandatory-column", "bad-ref", "bad-type"],
)
def test_malformed_files_get_a_clear_message_and_nothing_loads(tmp_path, content, message):
    with pytest.raises(CommandError) as e:
        run(_file(tmp_path, content), "--yes")
    assert message in str(e.value) and "nothing changed" in str(e.value)
    assert not CatalogueVersion.objects.exists()


def test_a_file_name_without_a_year_asks_for_one(tmp_path):
    with pytest.raises(CommandError) as e:
        run(_file(tmp_path, nhs_workbook(), "official.xlsx"), "--yes")
    assert "give the deadline year and a new version key" in str(e.value)
