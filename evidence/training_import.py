"""Import the staff training register from a CSV or Excel (.xlsx) file: check every row
first, write all or none.

Columns (header row required, any order, case-insensitive; only `name` is required):
name, job title, start date, leaving date, director, volunteer, agency, data access,
course, completed on. Dates as 2025-06-30 or 30/06/2025. Yes/no columns take
yes/no/y/n/true/false/1/0 (blank = no; blank "data access" = yes).
A row names a person (matched to the register by name, case-insensitively, or added) and
optionally one completed course.

An .xlsx file (its first sheet) is read with the project's safe reader
(`dspt_portal.xlsx`) and turned into the same CSV text, row for row, so it is checked by
the same code with the same messages and row numbers, and the preview's confirm step
carries it as text like a CSV.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from dspt_portal.dates import parse_uk_date
from dspt_portal.xlsx import TooLarge, UnreadableWorkbook, looks_like_xlsx, sheet_rows
from organisations.services import activity_record

from .models import StaffMember, TrainingRecord

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024
COLUMNS = {
    "name": "name",
    "full name": "name",
    "staff name": "name",
    "job title": "job_title",
    "role": "job_title",
    "job_title": "job_title",
    "start date": "started_on",
    "started on": "started_on",
    "start_date": "started_on",
    "leaving date": "left_on",
    "left on": "left_on",
    "leaver date": "left_on",
    "leaving_date": "left_on",
    "director": "is_director",
    "trustee": "is_director",
    "director or trustee": "is_director",
    "volunteer": "is_volunteer",
    "agency": "is_agency",
    "data access": "has_data_access",
    "has data access": "has_data_access",
    "data_access": "has_data_access",
    "course": "course",
    "completed on": "completed_on",
    "completed": "completed_on",
    "completed_on": "completed_on",
    "date completed": "completed_on",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
TEMPLATE_HEADER = [
    "name",
    "job title",
    "start date",
    "leaving date",
    "director",
    "volunteer",
    "agency",
    "data access",
    "course",
    "completed on",
]


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV or .xlsx, no header, too big)."""


@dataclass
class ImportRow:
    number: int  # the line in the spreadsheet, counting the header as row 1
    values: dict
    errors: list[str] = field(default_factory=list)
    existing: StaffMember | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    text: str

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and all(r.is_valid for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if not r.is_valid)


def read_upload(raw: bytes) -> str:
    """The uploaded file as CSV text: a CSV decoded, an Excel workbook converted."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError("This file is too large for an import (the limit is 2 MB).")
    if looks_like_xlsx(raw):
        return xlsx_to_csv(raw)
    return decode_csv(raw)


def _cell(value) -> str:
    """A cell as the text a person would have typed into a CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # One line per spreadsheet row, so row numbers in messages match the sheet.
    return " ".join(str(value).split())


def xlsx_to_csv(raw: bytes) -> str:
    """The first sheet of an .xlsx as CSV text, one line per row (blank rows kept)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        for n, row in enumerate(sheet_rows(io.BytesIO(raw), max_unpacked=MAX_UNPACKED)):
            if n > MAX_ROWS * 2:  # the preview counts people; this stops a sheet of blanks
                raise ImportFileError(
                    f"This file has more than {MAX_ROWS:,} rows. Split it and import each part."
                )
            writer.writerow([_cell(v) for v in row])
    except TooLarge:
        raise ImportFileError(
            "This Excel file unpacks to far more than a staff register needs. Save the sheet "
            "again as a new .xlsx or as CSV UTF-8 and try again."
        ) from None
    except UnreadableWorkbook:
        raise ImportFileError(
            "This Excel file could not be read. Save it again as .xlsx (Excel Workbook) or as "
            "CSV UTF-8 and try again."
        ) from None
    return out.getvalue()


def decode_csv(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ImportFileError("This file is too large for an import (the limit is 2 MB).")
    if b"\x00" in raw:
        raise ImportFileError(
            "This is not a CSV or Excel (.xlsx) file. Save your spreadsheet as 'CSV UTF-8' "
            "or as an Excel Workbook and try again."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows saves as Windows-1252.
        return raw.decode("cp1252", errors="replace")


def _date(value: str, label: str, errors: list[str]) -> dt.date | None:
    try:
        return parse_uk_date(value)
    except ValueError:
        errors.append(
            f"{label} '{value.strip()}' is not a date we recognise (use 30/06/2025 or 2025-06-30)."
        )
        return None


def _flag(value: str, label: str, errors: list[str], default: bool = False) -> bool:
    value = value.strip().lower()
    if value == "":
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    errors.append(f"{label} should be yes or no, not '{value}'.")
    return default


def _check_row(number: int, raw: dict, existing: dict[str, list[StaffMember]]) -> ImportRow:
    errors: list[str] = []
    get = lambda key: (raw.get(key) or "").strip()  # noqa: E731
    name = get("name")
    values = {
        "name": name,
        "job_title": get("job_title")[:200],
        "started_on": _date(get("started_on"), "Start date", errors),
        "left_on": _date(get("left_on"), "Leaving date", errors),
        "is_director": _flag(get("is_director"), "Director", errors),
        "is_volunteer": _flag(get("is_volunteer"), "Volunteer", errors),
        "is_agency": _flag(get("is_agency"), "Agency", errors),
        "has_data_access": _flag(get("has_data_access"), "Data access", errors, default=True),
        "course": get("course")[:200],
        "completed_on": _date(get("completed_on"), "Completed on", errors),
    }
    if not name:
        errors.insert(0, "Name is missing.")
    elif len(name) > 200:
        errors.append("Name is longer than 200 characters.")
    if values["started_on"] and values["left_on"] and values["left_on"] < values["started_on"]:
        errors.append("The leaving date is before the start date.")
    if values["course"] and not values["completed_on"] and not get("completed_on"):
        errors.append("A course is given without the date it was completed.")
    if values["completed_on"] and values["completed_on"] > timezone.localdate():
        errors.append("The completion date is in the future.")
    matches = existing.get(name.casefold(), [])
    if len(matches) > 1:
        errors.append(
            f"More than one person called '{name}' is on the register; add this record by hand."
        )
    return ImportRow(number, values, errors, matches[0] if len(matches) == 1 else None)


def training_import_preview(*, organisation, text: str) -> ImportPreview:
    """Check every row without writing anything."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in [COLUMNS.get(h) for h in header]:
        raise ImportFileError(
            "The first row must be a header with at least a 'name' column. "
            "Download the template to see the columns."
        )
    reader.fieldnames = [COLUMNS.get(h, f"_ignored_{i}") for i, h in enumerate(header)]
    existing: dict[str, list[StaffMember]] = {}
    for person in StaffMember.objects.filter(organisation=organisation):
        existing.setdefault(person.name.strip().casefold(), []).append(person)
    rows = []
    try:
        for raw in reader:
            if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                continue  # blank line
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    f"This file has more than {MAX_ROWS:,} rows. Split it and import each part."
                )
            rows.append(_check_row(reader.line_num, raw, existing))
    except csv.Error as exc:
        raise ImportFileError(f"This file could not be read as CSV ({exc}).") from exc
    if not rows:
        raise ImportFileError("This file has a header but no people in it.")
    return ImportPreview(rows=rows, text=text)


@transaction.atomic
def training_import(*, organisation, text: str, by, request=None) -> tuple[int, int]:
    """Write every row of a valid file (checked again here); returns (people added, records added).
    Raises ValueError, writing nothing, if any row is invalid."""
    preview = training_import_preview(organisation=organisation, text=text)
    if not preview.is_valid:
        raise ValueError("The file has rows with problems; nothing was imported.")
    people = records = 0
    created: dict[str, StaffMember] = {}
    for row in preview.rows:
        v = row.values
        person = row.existing or created.get(v["name"].casefold())
        if person is None:
            person = StaffMember.objects.create(
                organisation=organisation,
                **{
                    k: v[k]
                    for k in (
                        "name",
                        "job_title",
                        "started_on",
                        "left_on",
                        "is_director",
                        "is_volunteer",
                        "is_agency",
                        "has_data_access",
                    )
                },
            )
            created[v["name"].casefold()] = person
            people += 1
        if v["completed_on"]:
            course = v["course"] or "Data security awareness"
            _, made = TrainingRecord.objects.get_or_create(
                organisation=organisation,
                staff_member=person,
                course=course,
                completed_on=v["completed_on"],
                defaults={"created_by": by},
            )
            records += made
    activity_record(
        organisation=organisation,
        actor=by,
        action="training.imported",
        target=None,
        changes={"rows": len(preview.rows), "people_added": people, "records_added": records},
        request=request,
    )
    return people, records
