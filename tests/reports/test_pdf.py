"""The assessment report PDF: what a registered manager hands to an inspector or board."""

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from reports import content, render
from reports.render import assessment_report_pdf
from tests.factories import UserFactory
from tests.reports.conftest import in_scope

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
pytestmark = pytest.mark.django_db


def assessment_report_data(assessment) -> dict:
    """As the render task reads it: in the organisation's scope."""
    return in_scope(assessment.organisation, content.assessment_report_data, assessment)


def approval_report_data(approval) -> dict:
    return in_scope(approval.organisation, content.approval_report_data, approval)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _assert_in_order(text: str, refs: list[str]) -> None:
    position = 0
    for ref in refs:
        match = re.compile(rf"(?<![\d.]){re.escape(ref)}(?![\d])").search(text, position)
        assert match, f"item {ref} missing or out of toolkit order"
        position = match.end()


def _item_section(pages: list[str]) -> str:
    """The pages from the first standard up to the appendix (which repeats every ID)."""
    start = next(i for i, p in enumerate(pages) if "1. Personal Confidential Data" in p and i > 1)
    end = next(i for i, p in enumerate(pages) if "What to type or upload" in p)
    return "\n".join(pages[start:end])


def _png(pdf: bytes, name: str, pages: int = 3) -> None:
    """First pages as PNGs in test-artifacts/reports/, for a person to look at."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(pages), "-", str(ARTIFACTS / name)],
        input=pdf,
        check=True,
    )
    assert list(ARTIFACTS.glob(f"{name}-*.png"))


def test_approved_report_has_the_cover_facts_and_every_item_in_toolkit_order(
    approved_assessment,
):
    data = assessment_report_data(approved_assessment)
    pdf = assessment_report_pdf(data)
    _png(pdf, "assessment-report")
    pages = _pages(pdf)
    cover = pages[0]
    for fact in [
        "Meadowbank House",
        "VN4K2",
        "2025-26",
        "2025-26 (DSPT v8)",
        "Standards Met",
        "Priya Shah",
        "Margaret Ellis",
        "senior accountable person",
    ]:
        assert fact in cover, f"{fact!r} is not on the cover"
    with scopes_disabled():
        approved_on = approved_assessment.approvals.get().approved_at
    assert f"{approved_on:%-d %B %Y}" in cover
    flat = " ".join(cover.split())
    assert "I have reviewed the answers, their documents and the open warnings." in flat
    assert f"Signed: Margaret Ellis, Registered Manager, {approved_on:%-d %B %Y}" in flat
    with scopes_disabled():
        refs = list(
            approved_assessment.responses.order_by("item__sort_key").values_list(
                "item__ref", flat=True
            )
        )
    assert len(refs) > 40
    _assert_in_order(_item_section(pages), refs)
    _assert_in_order("\n".join(pages[-8:]), refs[-5:])  # the submission pack appendix


def test_report_is_numbered_with_contents_bookmarks_tags_and_document_dates(complete_assessment):
    pdf = assessment_report_pdf(assessment_report_data(complete_assessment))
    reader = PdfReader(io.BytesIO(pdf))
    pages = _pages(pdf)
    total = len(pages)
    assert f"Page 2 of {total}" in pages[1]
    assert "Meadowbank House · DSPT 2025-26" in pages[1]  # running header
    contents = pages[1]
    assert re.search(r"Summary\W+3", contents), contents[:300]  # target-counter page numbers
    assert re.search(r"10\. Accountable Suppliers\W+\d+", contents)
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "Summary" in outline and "1. Personal Confidential Data" in outline
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged PDF
    size = reader.pages[0].mediabox
    assert (round(float(size.width)), round(float(size.height))) == (595, 842)  # A4
    text = "\n".join(pages)
    assert "Information asset register" in text
    assert "10 January 2026" in text and "10 January 2027" in text  # effective, review due
    assert "Improvement plan" not in text  # no actions: no empty section


def test_draft_report_says_not_yet_approved_and_lists_what_is_missing(complete_assessment):
    with scopes_disabled():
        first = complete_assessment.responses.select_related("item").get(item__ref="1.1.1")
        first.answer_text = ""
        first.save()
        vague = complete_assessment.responses.get(item__ref="1.1.3")
        vague.answer_text = "Policy attached"
        vague.save()
    pages = _pages(assessment_report_pdf(assessment_report_data(complete_assessment)))
    assert "Not yet approved" in pages[0]
    assert "projected outcome" in pages[0].lower()
    text = "\n".join(pages)
    assert "Not answered yet (needed for Approaching Standards)" in text
    # The assessments app's quality checks appear as open warnings beside the item.
    assert "points to a document without saying which part" in " ".join(text.split())


def test_the_improvement_plan_is_in_the_report(complete_assessment):
    from assessments.models import ImprovementAction, ImprovementActionItem

    with scopes_disabled():
        response = complete_assessment.responses.select_related("item").get(item__ref="9.2.1")
        owner = UserFactory(full_name="Tom Okafor")
        action = ImprovementAction.objects.create(
            organisation=complete_assessment.organisation,
            assessment=complete_assessment,
            title="Book the annual penetration test with our IT supplier",
            owner=owner,
            target_date=dt.date(2026, 9, 30),
        )
        ImprovementActionItem.objects.create(
            organisation=complete_assessment.organisation, action=action, response=response
        )
    pdf = assessment_report_pdf(assessment_report_data(complete_assessment))
    text = " ".join("\n".join(_pages(pdf)).split())
    plan = text[text.rindex("Improvement plan") :]
    assert "Book the annual penetration test" in plan
    assert "9.2.1" in plan and "Tom Okafor" in plan and "30 September 2026" in plan


def test_approval_report_is_made_from_the_snapshot_not_later_edits(approved_assessment):
    with scopes_disabled():
        approval = approved_assessment.approvals.get()
        response = approved_assessment.responses.get(item__ref="1.1.1")
        original = response.answer_text
        response.answer_text = "Changed after approval"
        response.save()
    data = approval_report_data(approval)
    answers = {i["ref"]: i["answer"] for s in data["standards"] for i in s["items"]}
    assert answers["1.1.1"] == original
    assert data["approval"]["revision"] == approval.revision


def test_word_version_has_the_cover_and_every_item(complete_assessment):
    from docx import Document

    data = assessment_report_data(complete_assessment)
    doc = Document(io.BytesIO(render.assessment_report_docx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Meadowbank House" in text
    for row in data["pack"]:
        assert row["ref"] in text
