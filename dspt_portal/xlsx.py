"""Reading an uploaded .xlsx safely (shared by the checklist import and the catalogue import).

openpyxl parses the workbook's XML with defusedxml when it is installed (it is a
dependency), so external entities and entity bombs are refused. On top of that:
`refuse_zip_bomb` refuses a file that would unpack to far more than it should, and
`xlsx_sheets` turns whatever a damaged or hostile file makes the zip or XML readers raise
into one `UnreadableSpreadsheet` with the caller's plain message, never an error page.
"""

from __future__ import annotations

import logging
import zipfile
from typing import Any

from openpyxl import load_workbook

logger = logging.getLogger(__name__)


class UnreadableSpreadsheet(Exception):
    """The file cannot be read; the message is for the person who uploaded it."""


def refuse_zip_bomb(file, *, max_unpacked: int, message: str) -> None:
    """An .xlsx is a zip: refuse one that would unpack to more than `max_unpacked` bytes."""
    with zipfile.ZipFile(file) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    file.seek(0)
    if unpacked > max_unpacked:
        raise UnreadableSpreadsheet(message)


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
        refuse_zip_bomb(
            file,
            max_unpacked=max_unpacked,
            message="This file unpacks to far more than a spreadsheet of this kind holds.",
        )
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
