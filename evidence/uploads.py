"""Safe uploads: a size limit enforced while the request streams in, the file type decided
from its content (never its name), zip bombs refused, and display names made harmless.

Nothing here writes to storage: a refused file never reaches it. `check_upload()` returns a
`CheckedUpload` (type, size, SHA-256, clean display name) or raises `UploadRefused` with a
message for the person who chose the file.
"""

import codecs
import hashlib
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from dspt_portal.safe_zip import ZipRefused, zip_open_checked

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CSV = "text/csv"
TXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"

# What each accepted type is called, and the file name endings that claim it.
TYPES = {
    PDF: ("PDF", {".pdf"}),
    DOCX: ("Word document", {".docx"}),
    XLSX: ("Excel spreadsheet", {".xlsx"}),
    ODT: ("OpenDocument text", {".odt"}),
    ODS: ("OpenDocument spreadsheet", {".ods"}),
    CSV: ("CSV file", {".csv"}),
    TXT: ("text file", {".txt", ".text", ".log", ".md"}),
    PNG: ("PNG image", {".png"}),
    JPEG: ("JPEG image", {".jpg", ".jpeg"}),
}
ACCEPTED_DESCRIPTION = (
    "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods), CSV, text, PNG or JPEG"
)
KNOWN_ENDINGS = {ending: mime for mime, (_, endings) in TYPES.items() for ending in endings}
DEFAULT_ENDING = {
    PDF: ".pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
    ODT: ".odt",
    ODS: ".ods",
    CSV: ".csv",
    TXT: ".txt",
    PNG: ".png",
    JPEG: ".jpg",
}

# Zip containers (Word, Excel, OpenDocument): refuse what would expand into a bomb.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_APPLIES_ABOVE = 5 * 1024 * 1024  # small files may compress well; it does not matter
MAX_DISPLAY_NAME = 120
ZIP_REFUSALS = {
    "damaged": "This file is damaged: it looks like a Word, Excel or OpenDocument "
    "file but cannot be opened.",
    "too_many_parts": "This file contains too many parts to be a normal document.",
    "too_big": "This file expands to far more data than a real document "
    "(it looks like a 'zip bomb'), so it was refused.",
}

# Names of other formats people commonly try, for a clearer refusal.
OTHER_KINDS = {
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a program",
    "application/msword": "an old-style Word (.doc) file – save it as .docx or PDF",
    "application/vnd.ms-excel": "an old-style Excel (.xls) file – save it as .xlsx or CSV",
    "application/zip": "a zip archive",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "a PowerPoint file – save it as PDF"
    ),
    "application/x-rar-compressed": "a RAR archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "image/gif": "a GIF image",
    "image/heic": "an iPhone HEIC photo – export it as JPEG",
}


class UploadRefused(Exception):
    """The file cannot be accepted; `message` says why in plain English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    display_name: str

    @property
    def type_label(self) -> str:
        return TYPES[self.content_type][0]


def max_upload_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 25 * 1024 * 1024)


def too_large_message(limit: int | None = None) -> str:
    return (
        f"This file is larger than the {filesizeformat(limit or max_upload_bytes())} limit. "
        "Make it smaller (for example, save a scan at a lower resolution) or split it."
    )


# --- Streaming size limit -------------------------------------------------------------------


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts bytes as they arrive and drops a file the moment it passes the limit, so an
    oversized upload is never written in full to memory or a temporary file."""

    def __init__(self, request: HttpRequest | None = None, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_bytes or max_upload_bytes()
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            oversized = getattr(self.request, "oversized_uploads", set())
            oversized.add(self.field_name)
            self.request.oversized_uploads = oversized
            raise SkipFile  # Django closes (and so deletes) the partial temporary file
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def streaming_size_limit(view: Callable | None = None, *, max_bytes: int | None = None):
    """Install `SizeLimitUploadHandler` before the body is read (Django's documented way:
    exempt from CSRF so the middleware does not parse the body first, then protect).

    `@streaming_size_limit` applies the evidence upload limit; imports pass their own,
    smaller one: `@streaming_size_limit(max_bytes=...)`."""

    def decorate(view: Callable) -> Callable:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request, max_bytes))
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate(view) if view is not None else decorate


def upload_was_too_large(request: HttpRequest, field: str = "file") -> bool:
    """True when the streaming limit dropped this field's file part-way through."""
    return field in getattr(request, "oversized_uploads", ())


# --- Display names --------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')


def clean_display_name(name: str | bytes | None) -> str:
    """The user's file name made safe to show and to offer as a download name: no folders,
    no control characters, no characters Windows forbids, at most 120 characters."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", errors="replace")
    name = name or ""
    try:  # undecodable bytes Python smuggled in as surrogates -> U+FFFD
        name = name.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    except UnicodeEncodeError:
        name = name.encode("utf-8", errors="replace").decode("utf-8")
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_CHARS.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > MAX_DISPLAY_NAME:
        stem, ending = os.path.splitext(name)
        ending = ending if len(ending) <= 10 else ""
        name = stem[: MAX_DISPLAY_NAME - len(ending)].rstrip(" .") + ending
    return name or "document"


def download_name(display_name: str, content_type: str) -> str:
    """The display name, ending with the extension of the type we found in the content."""
    stem, ending = os.path.splitext(display_name)
    if KNOWN_ENDINGS.get(ending.lower()) == content_type:
        return display_name
    return f"{display_name}{DEFAULT_ENDING.get(content_type, '')}"


# --- Content checks -------------------------------------------------------------------------


def _zip_type(file) -> str:
    """DOCX / XLSX / ODT / ODS from a zip's members, refusing zip bombs and other zips."""
    try:
        archive = zip_open_checked(
            file,
            max_members=ZIP_MAX_MEMBERS,
            max_unpacked=ZIP_MAX_UNCOMPRESSED,
            max_ratio=ZIP_MAX_RATIO,
            ratio_applies_above=ZIP_RATIO_APPLIES_ABOVE,
        )
    except ZipRefused as exc:
        raise UploadRefused(ZIP_REFUSALS[exc.reason]) from exc
    names = {m.filename for m in archive.infolist()}

    def read(name: str, limit: int = 1024 * 1024) -> bytes:
        with archive.open(name) as member:
            return member.read(limit)

    try:
        if "mimetype" in names:
            declared = read("mimetype", 200).decode("ascii", errors="replace").strip()
            if declared in (ODT, ODS):
                return declared
        if "[Content_Types].xml" in names:
            types = read("[Content_Types].xml")
            if (
                b"macroEnabled" in types
                or "word/vbaProject.bin" in names
                or "xl/vbaProject.bin" in names
            ):
                raise UploadRefused(
                    "This file contains macros, which are not accepted. "
                    "Save it as a normal .docx or .xlsx, or as PDF."
                )
            if b"wordprocessingml.document.main+xml" in types and "word/document.xml" in names:
                return DOCX
            if b"spreadsheetml.sheet.main+xml" in types and "xl/workbook.xml" in names:
                return XLSX
            if b"presentationml" in types:
                raise UploadRefused(
                    f"This is a PowerPoint file. Save it as PDF. We accept {ACCEPTED_DESCRIPTION}."
                )
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError) as exc:
        # RuntimeError: encrypted member; the others: a damaged archive.
        raise UploadRefused(
            "This file is damaged or password-protected and cannot be opened."
        ) from exc
    raise UploadRefused(f"This is a zip archive, not a document. We accept {ACCEPTED_DESCRIPTION}.")


_HTML_START = re.compile(rb"^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|meta)\b", re.I)


def _text_type(file, ending: str) -> str:
    """CSV or TXT: UTF-8 (a BOM is fine) without NUL bytes, and not a web page."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        if first and _HTML_START.match(chunk.lstrip(codecs.BOM_UTF8)):
            raise UploadRefused(
                f"This is a web page (HTML or SVG), which is not accepted. "
                f"We accept {ACCEPTED_DESCRIPTION}."
            )
        first = False
        if b"\x00" in chunk:
            raise UploadRefused(
                f"This file's content is not a document type we accept. "
                f"We accept {ACCEPTED_DESCRIPTION}."
            )
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise UploadRefused(
                "This text file is not saved as UTF-8. Save it as "
                "'CSV UTF-8' or 'Text (UTF-8)' and upload it again."
            ) from exc
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            "This text file is not saved as UTF-8 (it ends part-way through a "
            "character). Save it as UTF-8 and upload it again."
        ) from exc
    return CSV if ending == ".csv" else TXT


def detect_content_type(file, name: str = "") -> str:
    """The accepted type of `file` judged from its bytes; the name only picks CSV over TXT."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    ending = os.path.splitext(name)[1].lower()
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(file)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRefused(
            "This is an old-style Office file (.doc or .xls), which is not accepted. "
            "Save it as .docx, .xlsx or PDF and upload it again."
        )
    guess = filetype.guess(head)
    if guess is not None:
        what = OTHER_KINDS.get(guess.mime, f"a {guess.extension.upper()} file")
        raise UploadRefused(
            f"This file is {what}, which is not accepted. We accept {ACCEPTED_DESCRIPTION}."
        )
    return _text_type(file, ending)


def _size_and_hash(file: UploadedFile) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    limit = max_upload_bytes()
    for chunk in file.chunks():
        size += len(chunk)
        if size > limit:
            raise UploadRefused(too_large_message(limit))
        digest.update(chunk)
    return size, digest.hexdigest()


def check_upload(file: UploadedFile) -> CheckedUpload:
    """Everything we accept a file on, in the order a person would want to hear it."""
    display_name = clean_display_name(file.name)
    if file.size is not None and file.size > max_upload_bytes():
        raise UploadRefused(too_large_message())
    size, sha256 = _size_and_hash(file)
    if size == 0:
        raise UploadRefused("This file is empty. Check you chose the right file and try again.")
    content_type = detect_content_type(file, display_name)
    ending = os.path.splitext(display_name)[1].lower()
    claimed = KNOWN_ENDINGS.get(ending)
    text_types = (CSV, TXT)
    if (
        claimed
        and claimed != content_type
        and not (claimed in text_types and content_type in text_types)
    ):
        raise UploadRefused(
            f"This file is named '{ending}' but its content is a {TYPES[content_type][0]}, "
            f"not a {TYPES[claimed][0]}. Check you chose the right file."
        )
    if ending and not claimed and content_type in text_types and ending not in (".csv", ".txt"):
        raise UploadRefused(
            f"Files ending '{ending}' are not accepted. We accept {ACCEPTED_DESCRIPTION}."
        )
    file.seek(0)
    return CheckedUpload(
        content_type=content_type, size=size, sha256=sha256, display_name=display_name
    )
