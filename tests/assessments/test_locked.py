"""An approved (or waiting) assessment offers no change it would refuse, and a change that
arrives anyway (an old tab, a second device) gets the reason and a 409 with nothing saved:
answers, document links, uploads from an item, the checklist in use. Comments and the
improvement plan stay open: the plan is worked through after publishing."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import (
    Approval,
    Assessment,
    AssessmentStatus,
    Comment,
    DocumentLink,
    ImprovementAction,
    Response,
)
from evidence.models import Document, DocumentVersion
from organisations.models import ActivityLog, Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.evidence.factories import (
    PDF_BYTES,
    DocumentFactory,
    StaffMemberFactory,
    TrainingRecordFactory,
    upload,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
APPROVED_MESSAGE = "This assessment has been approved, so answers cannot be changed."


@pytest.fixture
def locked(organisation):
    """An approved assessment with one answered item backed by one document, and a second
    document in the library that is not linked."""
    with scopes_disabled():
        assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
        response = answer(assessment.responses.select_related("item").get())
        linked = DocumentFactory(organisation=organisation, title="Data protection policy")
        spare = DocumentFactory(organisation=organisation, title="Asset register")
        DocumentLink.objects.create(organisation=organisation, document=linked, response=response)
        assessment.status = AssessmentStatus.APPROVED
        assessment.save()
        Approval.objects.create(
            organisation=organisation,
            assessment=assessment,
            revision=1,
            snapshot={},
            outcome_level="approaching_standards",
            approved_at=timezone.now(),
        )
    return {"assessment": assessment, "response": response, "linked": linked, "spare": spare}


@pytest.fixture
def editor(client_as):
    return client_as(Role.EDITOR)


def _url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def _nothing_changed(locked, logged: int):
    with scopes_disabled():
        response = Response.objects.get(pk=locked["response"].pk)
        assert response.answer_text == locked["response"].answer_text
        assert list(DocumentLink.objects.values_list("document__title", flat=True)) == [
            "Data protection policy"
        ]
        assert set(Document.objects.values_list("title", flat=True)) == {
            "Data protection policy",
            "Asset register",
        }
        assert not DocumentVersion.objects.exists()
        assert ActivityLog.objects.count() == logged


def _logged() -> int:
    with scopes_disabled():
        return ActivityLog.objects.count()


# ---------------------------------------------------------------- what the pages offer


def test_a_locked_item_page_offers_no_answer_form_link_upload_or_unlink(
    editor, organisation, locked
):
    page = editor.get(_url("assessments:item", organisation, pk=locked["response"].pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert APPROVED_MESSAGE in html
    assert "Data protection policy" in html  # the document behind the answer is still shown
    for offer in ("Save answer", "Link a document from your library", "Upload a new document"):
        assert offer not in html
    assert "Unlink" not in html
    assert "Link one from your library" not in html


def test_a_locked_assessments_document_page_offers_no_link_or_unlink(editor, organisation, locked):
    html = editor.get(_url("evidence:document", organisation, pk=locked["linked"].pk)).content
    html = html.decode()
    assert "1.1.1" in html
    assert "Unlink" not in html
    assert "Link to an item" not in html
    assert "cannot be linked or unlinked" in html
    spare = editor.get(_url("evidence:document", organisation, pk=locked["spare"].pk))
    assert "Link to an item" not in spare.content.decode()


# ---------------------------------------------------------------- requests that arrive anyway


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_saving_an_answer_is_refused_with_409_and_the_answer_as_typed(
    editor, organisation, locked, headers
):
    pk = locked["response"].pk
    logged = _logged()
    page = editor.post(
        _url("assessments:item", organisation, pk=pk),
        {"source": "item", f"r{pk}-answer_text": "Changed after approval"},
        **headers,
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert APPROVED_MESSAGE in html
    assert "Changed after approval" in html
    _nothing_changed(locked, logged)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_linking_a_document_from_the_item_is_refused_with_409(
    editor, organisation, locked, headers
):
    logged = _logged()
    page = editor.post(
        _url("evidence:response_link", organisation, response_pk=locked["response"].pk),
        {"document": locked["spare"].pk},
        **headers,
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert APPROVED_MESSAGE in html
    assert "Link a document from your library" not in html
    _nothing_changed(locked, logged)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_unlinking_a_document_from_the_item_is_refused_with_409(
    editor, organisation, locked, headers
):
    logged = _logged()
    page = editor.post(
        _url(
            "evidence:response_unlink",
            organisation,
            response_pk=locked["response"].pk,
            document_pk=locked["linked"].pk,
        ),
        **headers,
    )
    assert page.status_code == 409
    assert APPROVED_MESSAGE in page.content.decode()
    _nothing_changed(locked, logged)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_uploading_from_the_item_is_refused_with_409_and_leaves_no_document(
    editor, organisation, locked, headers
):
    logged = _logged()
    page = editor.post(
        _url("evidence:response_upload", organisation, response_pk=locked["response"].pk),
        {"title": "Backup test log", "kind": "log", "file": upload("backup.pdf", PDF_BYTES)},
        **headers,
    )
    assert page.status_code == 409
    assert APPROVED_MESSAGE in page.content.decode()
    _nothing_changed(locked, logged)


def test_uploading_is_refused_when_the_assessment_locks_between_check_and_save(
    editor, organisation, locked, monkeypatch
):
    """The page's own check passed (a draft when read); the service's locked read refuses,
    and the document it would have made is not left in the library."""
    from assessments.models import Assessment as Model

    monkeypatch.setattr(Model, "is_locked", property(lambda self: False))
    logged = _logged()
    page = editor.post(
        _url("evidence:response_upload", organisation, response_pk=locked["response"].pk),
        {"title": "Backup test log", "kind": "log", "file": upload("backup.pdf", PDF_BYTES)},
    )
    assert page.status_code == 409
    _nothing_changed(locked, logged)


def test_linking_from_the_document_page_is_refused_with_409(editor, organisation, locked):
    logged = _logged()
    page = editor.post(
        _url("evidence:document_link", organisation, pk=locked["spare"].pk),
        {"response": locked["response"].pk},
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert APPROVED_MESSAGE in html and "Nothing was changed" in html
    assert _url("evidence:document", organisation, pk=locked["spare"].pk) in html
    _nothing_changed(locked, logged)


def test_restoring_an_earlier_answer_is_refused_with_409(editor, organisation, locked):
    with scopes_disabled():
        record = Response.history.filter(id=locked["response"].pk).earliest()
    logged = _logged()
    page = editor.post(
        _url("assessments:restore", organisation, pk=locked["response"].pk, record=record.pk),
        {"version": str(locked["response"].version)},
    )
    assert page.status_code == 409
    assert APPROVED_MESSAGE in page.content.decode()
    _nothing_changed(locked, logged)


def test_moving_onto_a_newer_checklist_is_refused_with_409(editor, organisation, locked):
    with scopes_disabled():
        catalogue_with([{"ref": "1.1.1"}], dspt_year=2027)
    logged = _logged()
    page = editor.post(_url("assessments:change_catalogue", organisation))
    assert page.status_code == 409
    assert APPROVED_MESSAGE in page.content.decode()
    _nothing_changed(locked, logged)
    with scopes_disabled():
        assert Assessment.objects.get(pk=locked["assessment"].pk).catalogue.dspt_year == 2026


def test_a_waiting_assessment_refuses_the_same_way_with_its_own_reason(
    editor, organisation, locked
):
    with scopes_disabled():
        Assessment.objects.filter(pk=locked["assessment"].pk).update(
            status=AssessmentStatus.AWAITING_APPROVAL
        )
    page = editor.post(
        _url("evidence:response_link", organisation, response_pk=locked["response"].pk),
        {"document": locked["spare"].pk},
    )
    assert page.status_code == 409
    assert "waiting for approval, so answers cannot be changed" in page.content.decode()


# ---------------------------------------------------------------- what stays open


def test_comments_can_still_be_added_to_a_locked_assessment(editor, organisation, locked):
    page = editor.post(
        _url("assessments:comment", organisation, pk=locked["response"].pk),
        {"text": "Checked with the manager"},
    )
    assert page.status_code == 302
    with scopes_disabled():
        assert Comment.objects.filter(text="Checked with the manager").exists()


def test_the_improvement_plan_is_still_worked_through_after_approval(editor, organisation, locked):
    plan = _url("assessments:plan", organisation)
    assert editor.post(plan, {"title": "Book training", "status": "to_do"}).status_code == 302
    with scopes_disabled():
        action = ImprovementAction.objects.get(title="Book training")
    edit = _url("assessments:action_edit", organisation, pk=action.pk)
    assert editor.post(edit, {"title": "Book training", "status": "done"}).status_code == 302
    assert editor.post(_url("assessments:plan_suggest", organisation)).status_code == 302
    delete = _url("assessments:action_delete", organisation, pk=action.pk)
    assert editor.post(delete).status_code == 302
    with scopes_disabled():
        assert not ImprovementAction.objects.filter(pk=action.pk).exists()


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_using_the_training_figure_is_refused_with_409(editor, organisation):
    item = {"ref": "3.2.1", "answer_type": "confirmation", "app_hint": "percentage"}
    with scopes_disabled():
        assessment = assessment_for(organisation, catalogue_with([item], dspt_year=2027))
        TrainingRecordFactory(staff_member=StaffMemberFactory(organisation=organisation))
        Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.APPROVED)
        response = assessment.responses.get()
    page = editor.post(_url("assessments:use_training", organisation, pk=response.pk))
    assert page.status_code == 409
    assert APPROVED_MESSAGE in page.content.decode()
    with scopes_disabled():
        assert Response.objects.get(pk=response.pk).answer_number is None
