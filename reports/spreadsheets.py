"""The checklist as a spreadsheet (XLSX and CSV), and reading answers back from the XLSX.

Import is two steps: `checklist_read(assessment, file)` checks every row and returns the
changes and per-row errors without writing anything; `checklist_apply` (reports/services.py
calls the assessments app's `response_update` for each change) runs only after the user
confirms a preview with no errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from assessments.models import AnswerType, Assessment, ResponseStatus
from dspt_portal.spreadsheet_text import plain_cell
from dspt_portal.xlsx import UnreadableSpreadsheet, refuse_zip_bomb

from .content import LEVEL_SHORT

NARRATIVE = "How you meet this (toolkit comments box)"
HEADERS = [
    "Item ID",
    "Standard",
    "Evidence item",
    "Level",
    "Answer type",
    "Answer",
    "Last done or reviewed",
    "Percentage",
    NARRATIVE,
    "Not applicable",
    "Why it does not apply",
    "Owner",
    "Status",
    "Documents linked",
]
WIDTHS = [9, 22, 60, 20, 22, 45, 16, 12, 40, 14, 35, 24, 18, 35]
# Columns a filled-in file may change; the rest are there to read.
EDITABLE = [
    "Answer",
    "Last done or reviewed",
    "Percentage",
    NARRATIVE,
    "Not applicable",
    "Why it does not apply",
    "Owner",
    "Status",
]
# Files exported before the columns were renamed still import.
OLD_NAMES = {"Comments": NARRATIVE}
logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# A checklist has one row per evidence item (under 100 today); leave room, refuse floods.
MAX_IMPORT_ROWS = 2_000
MAX_IMPORT_UNPACKED = 20 * 1024 * 1024
YES = {"yes", "y", "true", "1", "yes, confirmed", "confirmed", "ticked"}
NO = {"no", "n", "false", "0"}
STATUS_BY_TEXT = {
    **{s.label.lower(): s.value for s in ResponseStatus},
    **{s.value: s.value for s in ResponseStatus},
}


def _responses(assessment: Assessment):
    return (
        assessment.responses.select_related("item", "item__standard", "owner")
        .prefetch_related("document_links__document")
        .order_by("item__sort_key")
    )


def _members(assessment: Assessment) -> list:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model().objects.filter(memberships__organisation_id=assessment.organisation_id)
    )


def _person(user) -> str:
    return (user.full_name or user.email) if user else ""


def _row(response) -> list[Any]:
    item = response.item
    answer: Any = {
        AnswerType.CONFIRMATION: {True: "Yes", False: "No"}.get(response.answer_confirmed, ""),
        AnswerType.NUMBER: _plain_number(response.answer_number),
        AnswerType.DATE: response.answer_date,
    }.get(item.answer_type, response.answer_text)
    return [
        item.ref,
        f"{item.standard.number}. {item.standard.name}",
        item.summary,
        LEVEL_SHORT[item.level],
        AnswerType(item.answer_type).label,
        answer,
        response.last_done_on,
        _plain_number(response.percentage),
        response.narrative,
        "Yes" if response.not_applicable else "No",
        response.na_reason,
        _person(response.owner),
        ResponseStatus(response.status).label,
        "; ".join(link.document.title for link in response.document_links.all()),
    ]


def _plain_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def checklist_xlsx(assessment: Assessment) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Checklist"
    sheet.append(HEADERS)
    for response in _responses(assessment):
        sheet.append(_row(response))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3E8")
    for header, width in zip(HEADERS, WIDTHS, strict=True):
        sheet.column_dimensions[_column(header)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even if the text starts with "="
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "B2"
    last = sheet.max_row
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    statuses = DataValidation(
        type="list", formula1=f'"{",".join(s.label for s in ResponseStatus)}"', allow_blank=True
    )
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(statuses)
    yes_no.add(f"{_column('Not applicable')}2:{_column('Not applicable')}{last}")
    statuses.add(f"{_column('Status')}2:{_column('Status')}{last}")
    notes = workbook.create_sheet("How to use")
    for line in [
        f"{assessment.organisation.name} ({assessment.organisation.ods_code}), "
        f"DSPT {assessment.year_label}",
        f"Change {', '.join(EDITABLE[:-1])} and {EDITABLE[-1]}, then import this file on the "
        "Reports page. Other columns are for reference only.",
        "Answer: Yes or No for confirmation items; dd/mm/yyyy for date items; digits only "
        "for number items; otherwise text.",
        "Last done or reviewed: dd/mm/yyyy, for items that ask when it was last done "
        "(leave it empty for the others). Percentage: 0 to 100, for items that ask for one.",
        f"{NARRATIVE}: what you would write in the toolkit's comments box.",
        "Owner: the name or email of a member of your team, or empty for nobody.",
        "You will see every change before anything is saved.",
    ]:
        notes.append([line])
        notes.cell(row=notes.max_row, column=1).data_type = "s"  # never a formula
    notes.column_dimensions["A"].width = 110
    workbook.properties.identifier = _identifier(assessment)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column(header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(HEADERS.index(header) + 1)


def _identifier(assessment: Assessment) -> str:
    return f"{assessment.organisation.ods_code}/{assessment.catalogue.key}"


def _csv_safe(value: Any) -> str:
    """Plain text for CSV: dates as dd/mm/yyyy, nothing a spreadsheet would run."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return plain_cell(value)


def checklist_csv(assessment: Assessment) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for response in _responses(assessment):
        writer.writerow([_csv_safe(v) for v in _row(response)])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read it as UTF-8


# ---------------------------------------------------------------- import


@dataclass
class RowChange:
    row: int
    ref: str
    response_id: int
    data: dict[str, Any]  # field -> new value (JSON-safe: dates and numbers as strings)
    shown: list[tuple[str, str, str]]  # (what, before, after) for the preview


@dataclass
class ImportPreview:
    changes: list[RowChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "Row 7 (1.1.2): ..." in row order
    unchanged: int = 0
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


class RowError(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _yes_no(value: Any, what: str) -> bool | None:
    text = _text(value).strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise RowError(f"{what} must be Yes or No, not “{_text(value)}”.")


def _number(value: Any, what: str = "Answer") -> Decimal | None:
    if value is None or _text(value).strip() == "":
        return None
    try:
        number = Decimal(_text(value).strip().rstrip("%").replace(",", ""))
    except InvalidOperation:
        raise RowError(f"{what} must be a number, not “{_text(value)}”.") from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise RowError(f"{what} {_text(value)} is not a number we can store.")
    return number.quantize(Decimal("0.01"))


def _date(value: Any, what: str = "Answer") -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(f"{what} must be a date like 31/03/2026, not “{text}”.")


def _answer(item, value: Any) -> dict[str, Any]:
    kind = item.answer_type
    if kind == AnswerType.CONFIRMATION:
        return {"answer_confirmed": _yes_no(value, "The answer")}
    if kind == AnswerType.NUMBER:
        return {"answer_number": _number(value)}
    if kind == AnswerType.DATE:
        return {"answer_date": _date(value)}
    return {"answer_text": _text(value)}


def _status(value: Any, current: str) -> str:
    text = _text(value).strip().lower()
    if not text:
        return current
    if text not in STATUS_BY_TEXT:
        labels = ", ".join(s.label for s in ResponseStatus)
        raise RowError(f"Status must be one of: {labels}.")
    return STATUS_BY_TEXT[text]


def _last_done(response, value: Any) -> dict[str, Any]:
    day = _date(value, "Last done or reviewed")
    if response.item.app_hint != "date" or response.item.answer_type == AnswerType.DATE:
        if day is not None:
            raise RowError("This item does not ask when it was last done: leave that empty.")
        return {}
    if day and day > timezone.localdate():
        raise RowError("Last done or reviewed cannot be in the future.")
    return {"answer_date": day}


def _percentage(response, value: Any) -> dict[str, Any]:
    number = _number(value, "Percentage")
    if response.item.app_hint != "percentage" or response.item.answer_type == AnswerType.NUMBER:
        if number is not None:
            raise RowError("This item does not ask for a percentage: leave that empty.")
        return {}
    if number is not None and not 0 <= number <= 100:
        raise RowError("Percentage must be between 0 and 100.")
    return {"answer_number": number}


def _owner(value: Any, members: list):
    text = _text(value).strip()
    if not text:
        return None
    by_email = [u for u in members if u.email.lower() == text.lower()]
    by_name = [u for u in members if (u.full_name or "").strip().lower() == text.lower()]
    if by_email:
        return by_email[0]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        raise RowError(f"Two team members are called “{text}”: write the owner's email instead.")
    raise RowError(
        f"Owner “{text}” is not a member of your team. Use a name or email from the Team "
        "page, or leave it empty."
    )


def _wanted(response, cells: dict[str, Any], members: list) -> dict[str, Any]:
    """The values this row asks for (only the columns present in the file)."""
    wanted: dict[str, Any] = {}
    if "Answer" in cells:
        wanted.update(_answer(response.item, cells["Answer"]))
    if "Last done or reviewed" in cells:
        wanted.update(_last_done(response, cells["Last done or reviewed"]))
    if "Percentage" in cells:
        wanted.update(_percentage(response, cells["Percentage"]))
    if "Owner" in cells:
        wanted["owner"] = _owner(cells["Owner"], members)
    if NARRATIVE in cells:
        wanted["narrative"] = _text(cells[NARRATIVE])
    if "Not applicable" in cells:
        wanted["not_applicable"] = bool(_yes_no(cells["Not applicable"], "Not applicable"))
    if "Why it does not apply" in cells:
        wanted["na_reason"] = _text(cells["Why it does not apply"])
    if "Status" in cells:
        wanted["status"] = _status(cells["Status"], response.status)
    na = wanted.get("not_applicable", response.not_applicable)
    reason = wanted.get("na_reason", response.na_reason)
    if na and not response.item.na_allowed:
        raise RowError("This item cannot be marked not applicable.")
    if na and not reason.strip():
        raise RowError("Say why it does not apply in “Why it does not apply”.")
    if not na and "na_reason" in wanted:
        wanted["na_reason"] = ""  # the reason is kept only for not-applicable answers
    return wanted


def _shown(value: Any, name: str = "") -> str:
    if value is None or value == "":
        return "(empty)"
    if name == "owner":
        return _person(value)
    if name == "status":
        return ResponseStatus(value).label
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


FIELD_LABELS = {
    "answer_confirmed": "Answer",
    "answer_text": "Answer",
    "answer_number": "Answer",
    "answer_date": "Answer",
    "narrative": NARRATIVE,
    "owner": "Owner",
    "not_applicable": "Not applicable",
    "na_reason": "Why it does not apply",
    "status": "Status",
}


def _json(value: Any) -> Any:
    if hasattr(value, "email"):  # a team member (the owner): kept by id
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


NOT_READABLE = (
    "This is not an Excel (.xlsx) file we can read. Export the checklist from this "
    "page, fill it in, and upload that file."
)


def _rows(file) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    if getattr(file, "size", 0) > MAX_IMPORT_BYTES:
        raise RowError("This file is larger than 2 MB. Export the checklist again and use that.")
    try:
        return _read_rows(file)
    except RowError:
        raise
    except Exception:
        # Whatever a damaged or hostile file makes the zip or XML readers raise (a part with
        # no name, an external entity or an entity bomb, which defusedxml refuses), the
        # person gets the same plain message, never an error page.
        logger.info("Checklist import: unreadable file", exc_info=True)
        raise RowError(NOT_READABLE) from None


def _read_rows(file) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    _refuse_zip_bomb(file)
    workbook = load_workbook(file, read_only=True, data_only=True)
    sheet = workbook["Checklist"] if "Checklist" in workbook.sheetnames else workbook.active
    rows = sheet.iter_rows(values_only=True)
    headers = [_text(h).strip() for h in next(rows, [])]
    if "Item ID" not in headers:
        raise RowError("The first row must hold the column names, starting with “Item ID”.")
    found = []
    for n, row in enumerate(rows, start=2):
        if n - 1 > MAX_IMPORT_ROWS:
            raise RowError(
                f"This file has more than {MAX_IMPORT_ROWS:,} rows. The checklist has one row "
                "per evidence item: export it again from this page and use that."
            )
        found.append((n, list(row)))
    return headers, found


def _refuse_zip_bomb(file) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than a checklist."""
    try:
        refuse_zip_bomb(
            file,
            max_unpacked=MAX_IMPORT_UNPACKED,
            message=(
                "This file unpacks to far more than a checklist can hold. Export the checklist "
                "again from this page and use that file."
            ),
        )
    except UnreadableSpreadsheet as e:
        raise RowError(str(e)) from None


def checklist_read(assessment: Assessment, file) -> ImportPreview:
    """Check every row of an uploaded checklist; writes nothing."""
    preview = ImportPreview()
    try:
        headers, rows = _rows(file)
    except RowError as e:
        preview.file_error = str(e)
        return preview
    responses = {r.item.ref: r for r in _responses(assessment)}
    members = _members(assessment)
    headers = [OLD_NAMES.get(h, h) for h in headers]
    seen: set[str] = set()
    for number, values in rows:
        values = values + [None] * (len(headers) - len(values))
        cells = {h: v for h, v in zip(headers, values, strict=False) if h in HEADERS}
        ref = _text(cells.get("Item ID")).strip()
        if not ref and not any(_text(v).strip() for v in values):
            continue  # a blank line
        try:
            if ref not in responses:
                raise RowError(f"“{ref or '(empty)'}” is not an item ID in this year's toolkit.")
            if ref in seen:
                raise RowError("This item appears twice in the file.")
            seen.add(ref)
            response = responses[ref]
            wanted = _wanted(response, cells, members)
        except RowError as e:
            preview.errors.append(f"Row {number}{f' ({ref})' if ref else ''}: {e}")
            continue
        diff = {k: v for k, v in wanted.items() if _current(response, k) != v}
        if not diff:
            preview.unchanged += 1
            continue
        preview.changes.append(
            RowChange(
                row=number,
                ref=ref,
                response_id=response.pk,
                data={k: _json(v) for k, v in diff.items()},
                shown=[
                    (_label(response, k), _shown(_current(response, k), k), _shown(v, k))
                    for k, v in diff.items()
                ],
            )
        )
    return preview


def _label(response, name: str) -> str:
    """The column a change came from (a date or number may be the answer or beside it)."""
    if name == "answer_date" and response.item.app_hint == "date":
        return "Last done or reviewed" if response.item.answer_type != "date" else "Answer"
    if name == "answer_number" and response.item.app_hint == "percentage":
        return "Percentage" if response.item.answer_type != "number" else "Answer"
    return FIELD_LABELS[name]


def _current(response, name: str) -> Any:
    return response.owner if name == "owner" else getattr(response, name)


def change_values(data: dict[str, Any], members: dict[int, Any]) -> dict[str, Any]:
    """JSON-safe change values (as kept in the session) back to model values; `members`
    are the organisation's users by id (an owner who left since the preview is refused)."""
    out = dict(data)
    if out.get("owner") is not None:
        if out["owner"] not in members:
            from django.core.exceptions import ValidationError

            raise ValidationError("An owner in the file has left the team since the preview.")
        out["owner"] = members[out["owner"]]
    if out.get("answer_number") is not None:
        out["answer_number"] = Decimal(out["answer_number"])
    if out.get("answer_date"):
        out["answer_date"] = dt.date.fromisoformat(out["answer_date"])
    return out
