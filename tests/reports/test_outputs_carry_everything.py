"""Every output carries what the team entered: the 'last done or reviewed' dates, the
percentage (3.2.1), owners and 'not applicable' reasons, in the PDF, the Word report and
the submission pack; the team's comments when asked for; Word has a header, page numbers
and contents."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from assessments.models import Comment
from assessments.services import assessment_snapshot
from organisations.models import Role
from reports import content, render
from reports.models import Report
from reports.render import assessment_report_pdf
from reports.services import report_request
from tests.factories import UserFactory
from tests.reports.conftest import in_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(complete_assessment, organisation):
    """What the team entered beside the answers, and one comment."""
    from organisations.models import Membership

    owner = UserFactory(full_name="Priya Shah", email="priya@meadowbank.example")
    Membership.objects.create(organisation=organisation, user=owner, role=Role.EDITOR)
    rs = {r.item.ref: r for r in complete_assessment.responses.select_related("item")}
    rs["1.3.1"].answer_date = dt.date(2026, 2, 14)
    rs["3.2.1"].answer_number = 96.5
    rs["1.1.1"].owner = owner
    for ref in ("1.3.1", "3.2.1", "1.1.1"):
        rs[ref].save()
    na = next(r for r in rs.values() if r.not_applicable)
    Comment.objects.create(
        organisation=organisation, response=rs["1.1.1"], author=owner,
        text="Checked the number on the ICO register.",
    )  # fmt: skip
    return complete_assessment, na


def assessment_report_data(assessment, **kwargs) -> dict:
    """As the render task reads it: in the organisation's scope."""
    return in_scope(assessment.organisation, content.assessment_report_data, assessment, **kwargs)


def approval_report_data(approval) -> dict:
    return in_scope(approval.organisation, content.approval_report_data, approval)


def _pdf_text(data) -> str:
    pdf = assessment_report_pdf(data)
    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )


def _docx(data):
    from docx import Document

    return Document(io.BytesIO(render.assessment_report_docx(data)))


def _docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_the_pdf_has_dates_percentages_owners_and_na_reasons(entered):
    assessment, na = entered
    text = _pdf_text(assessment_report_data(assessment))
    assert "Last done or reviewed 14 February 2026" in text
    assert "Percentage 96.5%" in text
    assert "Owner Priya Shah" in text
    assert f"Why it does not apply {na.na_reason}" in text
    assert "Checked the number on the ICO register." not in text  # comments only when asked


def test_the_pdf_has_the_comment_thread_when_asked_for(entered):
    assessment, na = entered
    text = _pdf_text(assessment_report_data(assessment, include_comments=True))
    today = timezone.localdate()
    assert "Team comments" in text
    assert f"Priya Shah, {today:%-d %B %Y}: Checked the number on the ICO register." in text


def test_the_word_report_has_dates_percentages_owners_na_reasons_and_comments(entered):
    assessment, na = entered
    doc = _docx(assessment_report_data(assessment, include_comments=True))
    text = _docx_text(doc)
    assert "Last done or reviewed | 14 February 2026" in text
    assert "Percentage | 96.5%" in text
    assert "Owner | Priya Shah" in text
    assert f"Why it does not apply | {na.na_reason}" in text
    assert "Checked the number on the ICO register." in text
    assert "Checked the number" not in _docx_text(_docx(assessment_report_data(assessment)))


def test_the_word_report_has_a_header_page_numbers_and_contents(entered):
    assessment, na = entered
    data = assessment_report_data(assessment)
    doc = _docx(data)
    assert doc.sections[0].header.paragraphs[0].text == "Meadowbank House · DSPT 2025-26"
    footer_xml = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert doc.sections[0].footer.paragraphs[0].text.startswith("Page 1 of")
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Contents")
    contents = texts[start + 1 : start + 1 + 2 + len(data["standards"])]
    assert contents[0] == "Summary"
    assert contents[1] == "1. Personal Confidential Data"
    body = "".join(p._p.xml for p in doc.paragraphs[start : start + 4])
    assert re.search(r"<w:instrText[^>]*> TOC ", body)
    assert "updateFields" in doc.settings.element.xml
    # Every section in the contents is a heading in the document.
    headings = {p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")}
    assert set(contents) <= headings


def test_the_submission_pack_has_dates_percentages_owners_and_na_reasons(client_as, entered):
    assessment, na = entered
    page = (
        client_as(Role.VIEWER)
        .get(reverse("reports:pack", args=[assessment.organisation.slug]))
        .content.decode()
    )
    assert "14/02/2026" in page and "Last done or reviewed" in page
    assert "96.5%" in page
    assert "Owner: Priya Shah" in page
    assert f"Not applicable: {na.na_reason}" in page


def test_the_approved_report_carries_them_from_the_snapshot(entered, sap):
    from assessments.models import Approval

    assessment, na = entered
    with scopes_disabled():  # test set-up: an approval as the approve service records it
        approval = Approval.objects.create(
            organisation=assessment.organisation, assessment=assessment,
            revision=assessment.revision, snapshot=assessment_snapshot(assessment),
            outcome_level="standards_met", approved_by=sap, approved_at=timezone.now(),
        )  # fmt: skip
    rows = {
        row["ref"]: row for s in approval_report_data(approval)["standards"] for row in s["items"]
    }
    assert rows["1.3.1"]["last_done"] == "14 February 2026"
    assert rows["3.2.1"]["percentage"] == "96.5%"
    assert rows["1.1.1"]["owner"] == "Priya Shah"


def test_asking_for_comments_is_a_choice_on_the_reports_page(
    client_as, entered, django_capture_on_commit_callbacks
):
    assessment, na = entered
    client = client_as(Role.EDITOR)
    url = reverse("reports:index", args=[assessment.organisation.slug])
    assert "Include the team's comments on each item" in client.get(url).content.decode()
    client.post(
        reverse("reports:request", args=[assessment.organisation.slug]),
        {"kind": "assessment_docx", "include_comments": "on"},
    )
    with scopes_disabled():
        report = Report.objects.get()
    assert report.data["include_comments"] is True and report.title.endswith("with comments")
    assert (
        in_scope(
            assessment.organisation,
            report_request,
            assessment=assessment,
            kind="assessment_pdf",
            by=client.user,
        ).data["include_comments"]
        is False
    )
