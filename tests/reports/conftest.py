"""A complete, demo-like assessment on the bundled 2025-26 catalogue, with documents."""

import copy
import datetime as dt
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from simple_history.utils import bulk_update_with_history

from assessments.catalogue import bundled_catalogue_ensure
from assessments.models import AnswerType, Approval, AssessmentStatus, DocumentLink, Response
from evidence.models import Document, DocumentVersion
from tests.assessments.factories import assessment_for
from tests.factories import UserFactory

# --------------------------------------------------------------- one render per distinct PDF

_RENDERED: dict[str, bytes] = {}
# The only part of a report's HTML that differs between two renders of the same data: the
# moment it was produced, written to the PDF's metadata (not to any page).
_PRODUCED_AT = re.compile(r'(<meta name="dcterms\.(?:created|modified)" content=")[^"]*"')


@pytest.fixture(autouse=True)
def _each_distinct_report_rendered_once(request, monkeypatch):
    """WeasyPrint takes 5-20 s a report and a Word file a few seconds, and many tests here
    render the same report of the same data (a task storing it, a download, the partial-list
    wording). Each distinct report is laid out once a session; a later render of identical
    HTML (PDF) or identical data (Word) gets the same bytes. Only the moment of production,
    kept in the file's metadata and on no page, may differ from a fresh render.
    A test about rendering itself asks for `fresh_pdf_renders` and always renders anew."""
    from reports import render

    fresh = "fresh_pdf_renders" in request.fixturenames
    real_pdf, real_docx = render.pdf_from_html, render.assessment_report_docx

    def pdf_from_html(html: str) -> bytes:
        key = "pdf:" + _PRODUCED_AT.sub(r"\1\"", html)
        if fresh or key not in _RENDERED:
            _RENDERED[key] = real_pdf(html)
        return _RENDERED[key]

    def assessment_report_docx(data: dict) -> bytes:
        key = "docx:" + json.dumps(
            {k: v for k, v in data.items() if k != "generated_at"}, sort_keys=True, default=str
        )
        if fresh or key not in _RENDERED:
            _RENDERED[key] = real_docx(data)
        return _RENDERED[key]

    monkeypatch.setattr(render, "pdf_from_html", pdf_from_html)
    monkeypatch.setattr(render, "assessment_report_docx", assessment_report_docx)


@pytest.fixture
def fresh_pdf_renders():
    """Every render in this test is a real one (WeasyPrint, python-docx), never a shared one."""


def in_scope(organisation, call, *args, **kwargs):
    """A service called as a tenant page calls it: inside the organisation's scope."""
    with scope(organisation=organisation):
        return call(*args, **kwargs)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@scopes_disabled()  # test set-up: any tenant's rows
def add_document(
    organisation,
    title: str,
    *,
    name: str = "file.pdf",
    content_type: str = "application/pdf",
    **fields,
) -> Document:
    document = Document.objects.create(organisation=organisation, title=title, **fields)
    version = DocumentVersion(
        organisation=organisation,
        document=document,
        number=1,
        original_name=name,
        size=len(PDF_BYTES),
        content_type=content_type,
        sha256="0" * 64,
    )
    version.file.save(name, ContentFile(PDF_BYTES + title.encode()), save=False)
    version.save()
    return document


_COMPLETED_FIELDS = [
    "not_applicable",
    "na_reason",
    "answer_confirmed",
    "answer_number",
    "answer_date",
    "answer_text",
    "narrative",
    "status",
    "updated_at",
]


@scopes_disabled()  # test set-up: any tenant's rows
def complete(assessment) -> None:
    """Answer every item validly: some not applicable, narratives, documents for documents."""
    organisation = assessment.organisation
    register = add_document(
        organisation,
        "Information asset register",
        name="IAR 2026.xlsx",
        content_type=XLSX,
        effective_on=dt.date(2026, 1, 10),
        next_review_due=dt.date(2027, 1, 10),
    )
    policy = add_document(
        organisation,
        "Data protection policy",
        name="DP policy v3.pdf",
        effective_on=dt.date(2025, 5, 1),
        next_review_due=dt.date(2028, 5, 1),
    )
    responses, links = list(assessment.responses.select_related("item")), []
    for i, response in enumerate(responses):
        item = response.item
        kind = item.answer_type
        if item.na_allowed and i % 4 == 0:
            response.not_applicable = True
            response.na_reason = "We keep no paper records off site."
        elif kind == AnswerType.CONFIRMATION:
            response.answer_confirmed = True
        elif kind == AnswerType.NUMBER:
            response.answer_number = 97
        elif kind == AnswerType.DATE:
            response.answer_date = dt.date(2026, 3, 1)
        else:
            response.answer_text = f"Held in the IG folder, section {i}, reviewed March 2026."
        if item.valid_months and not response.not_applicable:
            # Reviews and tests count only inside their window before publication.
            response.answer_date = timezone.localdate() - dt.timedelta(days=30)
        response.narrative = "Checked by the registered manager." if i % 3 == 0 else ""
        response.status = "done"
        response.updated_at = timezone.now()  # what save() would set (auto_now)
        if kind == AnswerType.DOCUMENT and not response.not_applicable:
            for document in (register, policy) if item.ref == "1.1.2" else (policy,):
                links.append(
                    DocumentLink(organisation=organisation, document=document, response=response)
                )
    # One statement each instead of a save per item; the history rows are written as save() would.
    bulk_update_with_history(responses, Response, fields=_COMPLETED_FIELDS)
    DocumentLink.objects.bulk_create(links)


_PARSED_YAML: dict[str, dict] = {}


@pytest.fixture
def catalogue(db, monkeypatch):
    """The bundled catalogue, imported for real; only parsing its YAML (a second of pure
    Python a test) happens once a session, each import getting its own copy of the result."""
    from assessments import catalogue as catalogue_module

    read_yaml = catalogue_module._read_yaml

    def parsed_once(text: str) -> dict:
        if text not in _PARSED_YAML:
            _PARSED_YAML[text] = read_yaml(text)
        return copy.deepcopy(_PARSED_YAML[text])

    monkeypatch.setattr(catalogue_module, "_read_yaml", parsed_once)
    return bundled_catalogue_ensure()


@pytest.fixture
def sap(organisation):
    from organisations.models import Membership

    user = UserFactory(full_name="Margaret Ellis", job_title="Director")
    Membership.objects.create(organisation=organisation, user=user, role="admin")
    organisation.senior_accountable_person = user
    organisation.senior_accountable_title = "Director"
    organisation.registered_manager_name = "Priya Shah"
    organisation.save()
    return user


@pytest.fixture
def complete_assessment(organisation, catalogue, sap):
    assessment = assessment_for(organisation, catalogue)
    complete(assessment)
    return assessment


@pytest.fixture
def approved_assessment(complete_assessment, sap):
    """Approved through the assessments app's own service, so the snapshot is real."""
    from assessments.services import assessment_snapshot

    assessment = complete_assessment
    Approval.objects.create(
        organisation=assessment.organisation,
        assessment=assessment,
        revision=assessment.revision,
        snapshot=assessment_snapshot(assessment),
        outcome_level="standards_met",
        approved_by=sap,
        approved_at=timezone.now(),
        declaration="I have reviewed the answers, their documents and the open warnings.",
        declared_name="Margaret Ellis",
        declared_role="Registered Manager",
    )
    assessment.status = AssessmentStatus.APPROVED
    assessment.save()
    return assessment
