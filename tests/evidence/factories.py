"""Evidence test data: documents, versions stored through the real storage, staff, training,
and a minimal catalogue + assessment + response to link documents to."""

import datetime as dt
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from assessments.models import (
    AnswerType,
    Assertion,
    Assessment,
    CatalogueVersion,
    Category,
    EvidenceItem,
    Level,
    Response,
    Standard,
)
from evidence import services
from evidence.models import Document, DocumentKind, StaffMember, TrainingRecord
from evidence.uploads import check_upload
from tests.factories import OrganisationFactory, ScopesDisabledFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def ooxml_bytes(kind: str = "docx", extra: dict | None = None) -> bytes:
    """A minimal Word or Excel file (a zip with the parts that identify it)."""
    main = {
        "docx": (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "xlsx": (
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
    }[kind]
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{main[0]}" ContentType="{main[1]}"/></Types>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr(main[0], "<xml>hello</xml>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def odf_bytes(mime: str = "application/vnd.oasis.opendocument.text") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime)
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def zip_bomb_docx(megabytes: int = 30) -> bytes:
    """A real .docx skeleton with one member of zeros that expands ~1000x."""
    return ooxml_bytes(
        "docx", extra={"word/media/padding.bin": b"\x00" * (megabytes * 1024 * 1024)}
    )


def upload(
    name: str = "policy.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"
):
    return SimpleUploadedFile(name, content, content_type=content_type)


@scopes_disabled()  # test set-up: any tenant's rows
def make_response(
    organisation, ref: str = "1.3.1", assessment: Assessment | None = None
) -> Response:
    """A response to item `ref` in the organisation's 2026 assessment (created if needed)."""
    if assessment is None:
        version, _ = CatalogueVersion.objects.get_or_create(
            key="test-evidence",
            defaults={"label": "Test", "dspt_year": 2026, "content_hash": "0" * 64},
        )
        assessment, _ = Assessment.objects.get_or_create(
            organisation=organisation,
            dspt_year=2026,
            defaults={"catalogue": version, "deadline": dt.date(2026, 6, 30)},
        )
    version = assessment.catalogue
    number, a = ref.split(".")[:2]
    standard, _ = Standard.objects.get_or_create(
        version=version, number=int(number), defaults={"name": f"Standard {number}"}
    )
    assertion, _ = Assertion.objects.get_or_create(
        version=version,
        ref=f"{number}.{a}",
        defaults={"standard": standard, "title": "An assertion"},
    )
    item, _ = EvidenceItem.objects.get_or_create(
        version=version,
        ref=ref,
        defaults={
            "standard": standard,
            "assertion": assertion,
            "summary": f"Item {ref} summary",
            "level": Level.MET,
            "category": Category.POLICIES,
            "answer_type": AnswerType.DOCUMENT,
            "sort_key": int(ref.replace(".", "")),
        },
    )
    response, _ = Response.objects.get_or_create(
        organisation=organisation, assessment=assessment, item=item
    )
    return response


class DocumentFactory(ScopesDisabledFactory):
    class Meta:
        model = Document

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Data protection policy {n}")
    kind = DocumentKind.POLICY


@scopes_disabled()  # test set-up: any tenant's rows
def add_version(document: Document, name: str = "policy.pdf", content: bytes = PDF_BYTES, by=None):
    """Store a file as the next version through the real service and storage."""
    file = upload(name, content)
    return services.version_add(document=document, file=file, checked=check_upload(file), by=by)


class StaffMemberFactory(ScopesDisabledFactory):
    class Meta:
        model = StaffMember

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Staff Member {n:03d}")
    job_title = "Care assistant"


class TrainingRecordFactory(ScopesDisabledFactory):
    class Meta:
        model = TrainingRecord

    staff_member = factory.SubFactory(StaffMemberFactory)
    organisation = factory.SelfAttribute("staff_member.organisation")
    course = "Data security awareness"
    completed_on = dt.date(2025, 9, 1)
