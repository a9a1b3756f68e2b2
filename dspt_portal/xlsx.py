"""Reading an uploaded .xlsx safely, for the imports of two apps (the checklist in reports,
the training register in evidence). Imports no app.

- openpyxl parses the workbook's XML through defusedxml when it is installed (it is a
  dependency): no external entities, no entity bombs;
- a zip bomb is refused before parsing (`dspt_portal.safe_zip`);
- the sheet is read in read-only mode, cell values only (formulas give their saved value).

Callers turn `UnreadableWorkbook` and `TooLarge` into their own plain messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from .safe_zip import ZipRefused, zip_open_checked

XLSX_MAGIC = b"PK\x03\x04"


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
