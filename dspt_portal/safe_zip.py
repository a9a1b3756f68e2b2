"""Opening files people upload that are zips underneath (Word, Excel, OpenDocument), once.

`zip_open_checked` refuses what is not a zip, has too many parts, or would unpack to far more
than its kind of file holds (a "zip bomb"), before anything is unpacked. Evidence uploads
use it directly; spreadsheet imports through `dspt_portal.xlsx`. Callers turn the
`ZipRefused` reason into their own plain message.
"""

from __future__ import annotations

import zipfile


class ZipRefused(Exception):
    """`reason` is "damaged", "too_many_parts" or "too_big"."""

    def __init__(self, reason: str):
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
