"""Reading an uploaded .xlsx safely, for every import (the checklist in reports, the training
register in evidence, NHS England's list in assessments). Imports no app.

- openpyxl parses the workbook's XML through defusedxml when it is installed (it is a
  dependency): no external entities, no entity bombs;
- a zip bomb is refused before parsing (`dspt_portal.safe_zip`);
- the sheet is read in read-only mode, cell values only (formulas give their saved value).

Callers turn `UnreadableWorkbook` and `TooLarge` (or `UnreadableSpreadsheet`, whose message
is already the caller's) into their own plain messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from .safe_zip import ZipRefused, zip_open_checked

XLSX_MAGIC = b"PK\x03\x04"
logger = logging.getLogger(__name__)


class UnreadableWorkbook(Exception):
    """Not a workbook we can read (damaged, not a zip, hostile XML)."""


class TooLarge(Exception):
    """The archive unpacks to more than the caller allows."""


def looks_like_xlsx(raw: bytes) -> bool:
    return raw.startswith(XLSX_MAGIC)


def sheet_rows(file, *, max_unpacked: int, sheet: str | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of `sheet` (or the first sheet) as tuples of cell values, header first.

    Raises TooLarge for a zip bomb and UnreadableWorkbook for anything the zip or XML
    readers refuse, so a hostile file gives a message, never an error page.
    """
    try:
        try:
            zip_open_checked(file, max_unpacked=max_unpacked).close()
        except ZipRefused as exc:
            if exc.reason == "damaged":
                raise UnreadableWorkbook("not a zip") from exc
            raise TooLarge from exc
        file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
        chosen = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.active
        yield from chosen.iter_rows(values_only=True)
    except (TooLarge, UnreadableWorkbook):
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes the readers raise
        raise UnreadableWorkbook(str(exc)) from exc


class UnreadableSpreadsheet(Exception):
    """The file cannot be read; the message is for the person who uploaded it."""


def xlsx_sheets(
    file, *, max_bytes: int, max_unpacked: int, max_rows: int, not_readable: str
) -> dict[str, list[list[Any]]]:
    """{sheet name: rows (lists of cell values)} of every worksheet, read-only, values only."""
    size = getattr(file, "size", None)
    if size is None and hasattr(file, "seek"):
        size = file.seek(0, 2)
        file.seek(0)
    if size and size > max_bytes:
        raise UnreadableSpreadsheet(f"This file is larger than {max_bytes // (1024 * 1024)} MB.")
    try:
        try:
            zip_open_checked(file, max_unpacked=max_unpacked).close()
        except ZipRefused as exc:
            if exc.reason == "damaged":
                raise
            raise UnreadableSpreadsheet(
                "This file unpacks to far more than a spreadsheet of this kind holds."
            ) from None
        file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheets = {}
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                if len(rows) >= max_rows:
                    raise UnreadableSpreadsheet(
                        f"The sheet “{sheet.title}” has more than {max_rows:,} rows."
                    )
                rows.append(list(row))
            sheets[sheet.title] = rows
        workbook.close()
        return sheets
    except UnreadableSpreadsheet:
        raise
    except Exception:
        logger.info("Unreadable spreadsheet", exc_info=True)
        raise UnreadableSpreadsheet(not_readable) from None
