"""Opening files people upload that are zips underneath (Word, Excel, OpenDocument), once.

`zip_open_checked` refuses what is not a zip, has too many parts, or would unpack to far more
than its kind of file holds (a "zip bomb"), before anything is unpacked. `xlsx_rows` reads
an Excel sheet through it; openpyxl parses the XML with defusedxml when it is installed
(it is a dependency), so external entities and entity bombs are refused too. Callers turn
the `ZipRefused` / `SpreadsheetUnreadable` reasons into their own plain messages.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from typing import Any

logger = logging.getLogger(__name__)


class ZipRefused(Exception):
    """`reason` is "damaged", "too_many_parts" or "too_big"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SpreadsheetUnreadable(Exception):
    """Not an .xlsx we can read (damaged, hostile, or too big: see `reason`)."""

    def __init__(self, reason: str = "damaged"):
        super().__init__(reason)
        self.reason = reason


def zip_open_checked(
    file,
    *,
    max_members: int = 2000,
    max_unpacked: int = 200 * 1024 * 1024,
    max_ratio: int = 100,
    ratio_applies_above: int = 5 * 1024 * 1024,
) -> zipfile.ZipFile:
    """The open archive, once its directory says it is safe to unpack."""
    try:
        archive = zipfile.ZipFile(file)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ZipRefused("damaged") from exc
    if len(members) > max_members:
        raise ZipRefused("too_many_parts")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unpacked > max_unpacked or (
        unpacked > ratio_applies_above and unpacked / packed > max_ratio
    ):
        raise ZipRefused("too_big")
    return archive


def xlsx_rows(
    file, *, sheet: str | None = None, max_unpacked: int = 20 * 1024 * 1024
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header row (as text) and the following rows with their sheet row numbers.

    `sheet` is read when the workbook has it, else the first sheet. Raises
    SpreadsheetUnreadable for anything the zip or XML readers refuse.
    """
    from openpyxl import load_workbook

    try:
        zip_open_checked(file, max_unpacked=max_unpacked).close()
    except ZipRefused as exc:
        raise SpreadsheetUnreadable("too_big" if exc.reason != "damaged" else "damaged") from exc
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        chosen = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.active
        rows = chosen.iter_rows(values_only=True)
        headers = ["" if h is None else str(h).strip() for h in next(rows, [])]
    except Exception as exc:  # a part with no name, an external entity, an entity bomb …
        logger.info("Unreadable spreadsheet", exc_info=True)
        raise SpreadsheetUnreadable("damaged") from exc

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for n, row in enumerate(rows, start=2):
                yield n, list(row)
        except Exception as exc:
            logger.info("Unreadable spreadsheet row", exc_info=True)
            raise SpreadsheetUnreadable("damaged") from exc

    return headers, numbered()
