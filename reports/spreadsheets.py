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
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from assessments.models import AnswerType, Assessment, ResponseStatus
from dspt_portal.spreadsheet_text import plain_cell

from .content import LEVEL_SHORT

HEADERS = [
    "Item ID",
    "Standard",
    "Evidence item",
    "Level",
    "Answer type",
    "Answer",
    "Comments",
    "Not applicable",
    "Why it does not apply",
    "Status",
    "Documents linked",
]
WIDTHS = [9, 22, 60, 20, 22, 45, 40, 14, 35, 18, 35]
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
        assessment.responses.select_related("item", "item__standard")
        .prefetch_related("document_links__document")
        .order_by("item__sort_key")
    )


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
        response.narrative,
        "Yes" if response.not_applicable else "No",
        response.na_reason,
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
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
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
    yes_no.add(f"H2:H{last}")
    statuses.add(f"J2:J{last}")
    notes = workbook.create_sheet("How to use")
    for line in [
        f"{assessment.organisation.name} ({assessment.organisation.ods_code}), "
        f"DSPT {assessment.year_label}",
        "Change Answer, Comments, Not applicable, Why it does not apply and Status, then "
        "import this file on the Reports page. Other columns are for reference only.",
        "Confirmation items: Yes or No. Dates: dd/mm/yyyy. Numbers: digits only.",
        "You will see every change before anything is saved.",
    ]:
        notes.append([line])
        notes.cell(row=notes.max_row, column=1).data_type = "s"  # never a formula
    notes.column_dimensions["A"].width = 110
    workbook.properties.identifier = _identifier(assessment)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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


def _number(value: Any) -> Decimal | None:
    if value is None or _text(value).strip() == "":
        return None
    try:
        number = Decimal(_text(value).strip().rstrip("%").replace(",", ""))
    except InvalidOperation:
        raise RowError(f"Answer must be a number, not “{_text(value)}”.") from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise RowError(f"Answer {_text(value)} is not a number we can store.")
    return number.quantize(Decimal("0.01"))


def _date(value: Any) -> dt.date | None:
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
    raise RowError(f"Answer must be a date like 31/03/2026, not “{text}”.")


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


def _wanted(response, cells: dict[str, Any]) -> dict[str, Any]:
    """The values this row asks for (only the columns present in the file)."""
    wanted: dict[str, Any] = {}
    if "Answer" in cells:
        wanted.update(_answer(response.item, cells["Answer"]))
    if "Comments" in cells:
        wanted["narrative"] = _text(cells["Comments"])
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
    "narrative": "Comments",
    "not_applicable": "Not applicable",
    "na_reason": "Why it does not apply",
    "status": "Status",
}


def _json(value: Any) -> Any:
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
    with zipfile.ZipFile(file) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    file.seek(0)
    if unpacked > MAX_IMPORT_UNPACKED:
        raise RowError(
            "This file unpacks to far more than a checklist can hold. Export the checklist "
            "again from this page and use that file."
        )


def checklist_read(assessment: Assessment, file) -> ImportPreview:
    """Check every row of an uploaded checklist; writes nothing."""
    preview = ImportPreview()
    try:
        headers, rows = _rows(file)
    except RowError as e:
        preview.file_error = str(e)
        return preview
    responses = {r.item.ref: r for r in _responses(assessment)}
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
            wanted = _wanted(response, cells)
        except RowError as e:
            preview.errors.append(f"Row {number}{f' ({ref})' if ref else ''}: {e}")
            continue
        diff = {k: v for k, v in wanted.items() if getattr(response, k) != v}
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
                    (FIELD_LABELS[k], _shown(getattr(response, k), k), _shown(v, k))
                    for k, v in diff.items()
                ],
            )
        )
    return preview


def change_values(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe change values (as kept in the session) back to model values."""
    out = dict(data)
    if out.get("answer_number") is not None:
        out["answer_number"] = Decimal(out["answer_number"])
    if out.get("answer_date"):
        out["answer_date"] = dt.date.fromisoformat(out["answer_date"])
    return out
