"""CSV and XLSX in and out for any register, driven by its ModelForm.

Export writes one column per form field, headed by the field's label; choices as their
labels, dates as 2026-03-12, times as 2026-03-12 14:30 (UK time), yes/no for ticks.
Import reads the same columns (headings in any order, case-insensitive, label or field
name), checks every row with the same form as the page, and saves all rows or none.
A link to another row (a supplier's signed agreement in the evidence library) is written as
that row's title and read back by title among the rows the page offers; a title that
matches none, or more than one, is a problem on that row (never a guess).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from dspt_portal.spreadsheet_text import FORMULA_STARTS, plain_cell

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


class SpreadsheetError(Exception):
    """The file as a whole cannot be read."""


def _heading(bound_field) -> str:
    label = str(bound_field.label)
    return label[:1].upper() + label[1:]


def headings(form_class) -> list[str]:
    return [_heading(f) for f in form_class()]


def _cell(form_field, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        return str(dict(form_field.choices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table(form_class, objects) -> tuple[list[str], list[list[str]]]:
    """Headings and one row of text per object, in the form's field order."""
    fields = form_class.base_fields
    names = list(form_class._meta.fields)
    rows = [[_cell(fields[n], getattr(obj, n)) for n in names] for obj in objects]
    return headings(form_class), rows


def to_csv(head: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows([[plain_cell(v) for v in row] for row in rows])
    return out.getvalue()


def to_xlsx(head: list[str], rows: list[list[str]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(head)
    for row in rows:
        sheet.append([plain_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour or value.minute)
            else f"{value:%Y-%m-%d}"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the export's guard against formulas ('=SUM… was =SUM…).
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def read_rows(upload) -> list[list[str]]:
    """Every row of an uploaded CSV or XLSX file as text, the heading row first."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SpreadsheetError("The file is larger than 2 MB. Split it into smaller files.")
    if data[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise SpreadsheetError(
                "This spreadsheet could not be read. Save it again as XLSX or CSV."
            ) from exc
    else:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SpreadsheetError("This file could not be read. Save it as CSV (UTF-8) or XLSX.")
        if "\0" in text:
            raise SpreadsheetError("This is not a CSV file. Save it as CSV (UTF-8) or XLSX.")
        rows = [[_text(v) for v in row] for row in csv.reader(io.StringIO(text))]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise SpreadsheetError("The file is empty.")
    if len(rows) > MAX_ROWS + 1:
        raise SpreadsheetError(
            f"The file has more than {MAX_ROWS} rows. Split it into smaller files."
        )
    return rows


@dataclass
class ImportRow:
    number: int  # the line in the spreadsheet, the heading being row 1
    form: forms.ModelForm
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportCheck:
    rows: list[ImportRow]
    unknown_columns: list[str]
    missing_columns: list[str]

    @property
    def error_count(self) -> int:
        return sum(bool(r.errors) for r in self.rows)

    @property
    def is_valid(self) -> bool:
        return not self.missing_columns and not self.error_count


def _choice_value(form_field, text: str) -> str:
    wanted = text.casefold()
    for value, label in form_field.choices:
        if wanted in (str(value).casefold(), str(label).casefold()):
            return value
    return text


def _yes_no(text: str) -> str:
    return "on" if text.casefold() in {"yes", "y", "true", "1"} else ""


def _titles(form_field) -> dict[str, list]:
    """The choices a link column may name, by title (case-insensitive): one query."""
    by_title: dict[str, list] = {}
    for obj in form_field.queryset:
        by_title.setdefault(str(obj).strip().casefold(), []).append(obj.pk)
    return by_title


def _link_value(label: str, by_title: dict[str, list], text: str) -> tuple[str, str]:
    """(the pk to give the form, or ""; a problem in plain words, or "")."""
    found = by_title.get(text.casefold(), [])
    if len(found) == 1:
        return str(found[0]), ""
    if not found:
        return "", f"{label}: no current document in your library is called “{text}”."
    return "", (
        f"{label}: {len(found)} documents in your library are called “{text}”. Leave this "
        "cell empty and choose the document on the entry's page after the import."
    )


def import_check(form_class, rows: list[list[str]], *, organisation=None) -> ImportCheck:
    """Every data row through `form_class` (for `organisation`), with its errors in plain
    words."""
    fields = form_class.base_fields
    links = {
        name: (_heading(bound), _titles(bound.field))
        for name, bound in zip(
            form_class._meta.fields, form_class(organisation=organisation), strict=True
        )
        if isinstance(bound.field, forms.ModelChoiceField)
    }
    by_heading: dict[str, str] = {}
    for name, bound in zip(form_class._meta.fields, form_class(), strict=True):
        by_heading[name.casefold()] = name
        by_heading[_heading(bound).casefold()] = name
    head = [h.strip().casefold() for h in rows[0]]
    columns = [by_heading.get(h) for h in head]
    unknown = [rows[0][i] for i, c in enumerate(columns) if c is None and head[i]]
    # A required column may be left out when it has a default (risk: low, and so on).
    defaults = {
        n: f.initial for n, f in fields.items() if n not in columns and f.initial is not None
    }
    missing = [
        _heading(b)
        for n, b in zip(form_class._meta.fields, form_class(), strict=True)
        if fields[n].required and n not in columns and n not in defaults
    ]
    checked = []
    for number, row in enumerate(rows[1:], start=2):
        data = dict(defaults)
        errors = []
        for name, text in zip(columns, row, strict=False):
            if name is None:
                continue
            f = fields[name]
            if name in links and text:
                text, problem = _link_value(*links[name], text)
                errors += [problem] if problem else []
            elif isinstance(f, forms.BooleanField):
                text = _yes_no(text)
            elif isinstance(f, forms.ChoiceField) and text:
                text = _choice_value(f, text)
            data[name] = text
        form = form_class(data, organisation=organisation)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = _heading(form[name]) if name in form.fields else ""
                errors += [f"{label}: {m}" if label else m for m in messages]
        checked.append(ImportRow(number=number, form=form, errors=errors))
    return ImportCheck(rows=checked, unknown_columns=unknown, missing_columns=missing)


@transaction.atomic
def import_save(check: ImportCheck, *, save) -> int:
    """Save every row with `save(instance)` (the register's service), all or none."""
    if not check.is_valid:
        raise ValueError("Rows with problems cannot be imported.")
    for row in check.rows:
        save(row.form.save(commit=False))
    return len(check.rows)
