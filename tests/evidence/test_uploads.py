"""The upload checks on their own: types from content, zip bombs, names."""

import pytest

from evidence.uploads import (
    CSV,
    DOCX,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    TXT,
    XLSX,
    UploadRefused,
    check_upload,
    clean_display_name,
    download_name,
)
from tests.evidence.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    odf_bytes,
    ooxml_bytes,
    upload,
    zip_bomb_docx,
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("policy.pdf", PDF_BYTES, PDF),
        ("policy.docx", ooxml_bytes("docx"), DOCX),
        ("register.xlsx", ooxml_bytes("xlsx"), XLSX),
        ("policy.odt", odf_bytes(), ODT),
        ("register.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), ODS),
        ("staff.csv", "name,completed\nAnn Ó'Brien,2025-09-01\n".encode(), CSV),
        ("notes.txt", "Backups tested on 3 March – all fine.\n".encode(), TXT),
        ("screenshot.png", PNG_BYTES, PNG),
        ("certificate.jpg", JPEG_BYTES, JPEG),
        ("policy-without-ending", PDF_BYTES, PDF),
    ],
)
def test_accepted_types_are_recognised_from_their_content(name, content, expected):
    checked = check_upload(upload(name, content, "application/octet-stream"))
    assert checked.content_type == expected
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "empty"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "Windows program"),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page"),
        ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "web page"),
        ("notes.pdf", b"just some text", "content is a text file, not a PDF"),
        ("policy.docx", PDF_BYTES, "content is a PDF, not a Word document"),
        ("bomb.docx", zip_bomb_docx(), "zip bomb"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        ("macro.docx", ooxml_bytes("docx", {"word/vbaProject.bin": b"x"}), "macros"),
        ("latin1.csv", "name\nRenée\n".encode("latin-1"), "UTF-8"),
        ("binary.txt", b"abc\x00def", "not a document type"),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", "not accepted"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old-style Office"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, reason):
    with pytest.raises(UploadRefused) as refusal:
        check_upload(upload(name, content))
    assert reason in refusal.value.message


def test_an_oversized_file_is_refused_even_without_the_streaming_handler(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(UploadRefused, match="larger than the 100\xa0bytes limit"):
        check_upload(upload("big.pdf", PDF_BYTES + b" " * 200))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("script>.pdf", "script.pdf"),
        ("<script>alert(1)<script>.pdf", "scriptalert(1)script.pdf"),
        ("bad\x00name\x1f.pdf", "badname.pdf"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ("", "document"),
        ("...", "document"),
        ("Ren\udce9e.pdf", "Ren\ufffde.pdf"),
        (b"Ren\xe9e.pdf", "Ren\ufffde.pdf"),
        ("Politique de confidentialité.pdf", "Politique de confidentialité.pdf"),
    ],
)
def test_display_names_are_made_safe(raw, clean):
    assert clean_display_name(raw) == clean


def test_very_long_names_are_cut_keeping_the_ending():
    name = clean_display_name("a" * 500 + ".pdf")
    assert len(name) == 120
    assert name.endswith(".pdf")


def test_download_names_end_with_the_type_found_in_the_content():
    assert download_name("policy.pdf", PDF) == "policy.pdf"
    assert download_name("policy", PDF) == "policy.pdf"
    assert download_name("notes.log", TXT) == "notes.log"
    assert download_name("register", CSV) == "register.csv"
