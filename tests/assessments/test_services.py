"""Carry-forward across catalogue versions, and the approval and publication rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from assessments import services
from assessments.models import Approval, AssessmentStatus, DocumentLink, Level, ResponseStatus
from evidence.models import Document
from organisations.models import ActivityLog, Role
from tests.assessments.factories import SIGNED, answer, assessment_for, catalogue_with
from tests.mail import deliver_emails

pytestmark = pytest.mark.django_db

LAST_YEAR = [
    {"ref": "1.1.1", "summary": "ICO registration number"},
    {"ref": "1.1.2", "summary": "Information asset register"},
    {"ref": "1.3.9", "summary": "An item dropped this year"},
    {"ref": "5.1.1", "summary": "Breach process reviewed", "na_allowed": True},
]
THIS_YEAR = [
    {"ref": "1.1.1", "summary": "ICO registration number"},
    {"ref": "1.1.2", "summary": "Information asset register and record of processing"},
    {"ref": "4.3.1", "summary": "IT admins signed an agreement", "level": Level.MET},
    {"ref": "5.1.1", "summary": "Breach process reviewed"},  # N/A no longer allowed
]


def test_starting_a_new_year_carries_answers_and_links_forward_and_reports_changes(
    organisation, member
):
    with scope(organisation=organisation):
        user = member(Role.EDITOR)
        old = assessment_for(
            organisation, catalogue_with(LAST_YEAR, dspt_year=2025), dspt_year=2025
        )
        r = {x.item.ref: x for x in old.responses.select_related("item")}
        answer(
            r["1.1.1"],
            answer_text="ZA123456",
            narrative="Renewed each April.",
            status=ResponseStatus.DONE,
            owner=user,
        )
        answer(r["1.1.2"], answer_text="IAR on shared drive")
        answer(r["5.1.1"], not_applicable=True, na_reason="No breaches")
        doc = Document.objects.create(organisation=organisation, title="Asset register")
        DocumentLink.objects.create(organisation=organisation, document=doc, response=r["1.1.2"])

        new = services.assessment_start(
            organisation=organisation, catalogue=catalogue_with(THIS_YEAR, dspt_year=2026), by=user
        )

        got = {x.item.ref: x for x in new.responses.select_related("item")}
        assert (
            got["1.1.1"].answer_text == "ZA123456"
            and got["1.1.1"].narrative == "Renewed each April."
        )
        assert got["1.1.1"].review_needed and got["1.1.1"].carried_from == r["1.1.1"]
        assert got["1.1.1"].owner == user and got["1.1.1"].status == ResponseStatus.IN_PROGRESS
        assert list(got["1.1.2"].document_links.values_list("document__title", flat=True)) == [
            "Asset register"
        ]
        assert not got["4.3.1"].review_needed and got["4.3.1"].answer_text == ""
        assert not got["5.1.1"].not_applicable  # the new version no longer allows it
        report = new.carry_forward_report
        assert report["new_items"] == ["4.3.1"]
        assert report["changed_wording"] == ["1.1.2"]
        assert [x["ref"] for x in report["removed_items"]] == ["1.3.9"]
        assert report["links_copied"] == 1
        assert new.previously_published  # a second year: Approaching Standards was the first chance
        assert old.responses.get(item__ref="1.1.1").answer_text == "ZA123456"  # last year untouched


def test_the_checklist_shows_the_carry_forward_report(client_as, organisation):
    client = client_as(Role.EDITOR)
    with scope(organisation=organisation):
        assessment_for(organisation, catalogue_with(LAST_YEAR, dspt_year=2025), dspt_year=2025)
        services.assessment_start(
            organisation=organisation,
            catalogue=catalogue_with(THIS_YEAR, dspt_year=2026),
            by=client.user,
        )
    page = client.get(
        reverse("assessments:index", kwargs={"org": organisation.slug})
    ).content.decode()
    assert "Copied from 2024-25" in page
    assert "4.3.1" in page and "1.3.9" in page


def test_the_change_list_shows_old_and_new_wording_and_level_changes_side_by_side(
    client_as, organisation
):
    client = client_as(Role.EDITOR)
    last = [*LAST_YEAR, {"ref": "9.2.1", "summary": "Backups tested", "level": Level.OPTIONAL}]
    now = [*THIS_YEAR, {"ref": "9.2.1", "summary": "Backups tested", "level": Level.MET}]
    assessment_for(organisation, catalogue_with(last, dspt_year=2025), dspt_year=2025)
    with scope(organisation=organisation):
        new = services.assessment_start(
            organisation=organisation, catalogue=catalogue_with(now, dspt_year=2026), by=client.user
        )
    changes = {c["ref"]: c for c in new.carry_forward_report["changes"]}
    assert set(changes) == {"1.1.2", "9.2.1"}
    assert changes["1.1.2"]["old_summary"] == "Information asset register"
    assert changes["1.1.2"]["new_summary"] == "Information asset register and record of processing"
    assert changes["9.2.1"]["level_change"] == "is now mandatory for Standards Met"
    page = client.get(
        reverse("assessments:index", kwargs={"org": organisation.slug})
    ).content.decode()
    assert "9.2.1 is now mandatory for Standards Met." in page
    assert '<td data-label="Before">Information asset register<br>' in page
    assert '<td data-label="Now">Information asset register and record of processing<br>' in page
    assert "4.3.1 IT admins signed an agreement (Standards Met)" in page


def test_a_year_cannot_be_started_twice(organisation, member):
    with scope(organisation=organisation):
        catalogue = catalogue_with(THIS_YEAR)
        services.assessment_start(organisation=organisation, catalogue=catalogue, by=member())
        with pytest.raises(ValidationError):
            services.assessment_start(organisation=organisation, catalogue=catalogue, by=member())


def test_saving_a_carried_answer_clears_review_needed_and_records_activity(organisation, member):
    with scope(organisation=organisation):
        user = member()
        assessment = assessment_for(organisation, catalogue_with(THIS_YEAR))
        r = assessment.responses.select_related("item", "assessment").get(item__ref="1.1.1")
        r.review_needed = True
        r.save()
        services.response_update(response=r, data={"answer_text": "ZA1"}, by=user)
        r.refresh_from_db()
        assert (
            not r.review_needed and r.updated_by == user and r.status == ResponseStatus.IN_PROGRESS
        )
        assert ActivityLog.objects.get(action="response.updated").changes["answer_text"] == [
            "",
            "ZA1",
        ]


def test_not_applicable_replaces_the_answer_which_stays_in_the_history(organisation, member):
    with scope(organisation=organisation):
        user = member()
        assessment = assessment_for(
            organisation, catalogue_with([{"ref": "1.1.1", "na_allowed": True}])
        )
        r = assessment.responses.select_related("item", "assessment").get()
        services.response_update(response=r, data={"answer_text": "Locked cabinet"}, by=user)

        services.response_update(
            response=r, data={"not_applicable": True, "na_reason": "No paper records"}, by=user
        )

        r.refresh_from_db()
        assert r.not_applicable and r.answer_text == "" and r.is_answered
        assert r.history.filter(answer_text="Locked cabinet").exists()
        changes = ActivityLog.objects.filter(action="response.updated").first().changes
        assert changes["answer_text"] == ["Locked cabinet", ""]


# ---------------------------------------------------------------- approval


@pytest.fixture
def ready(organisation, member):
    """An assessment at Standards Met, with an editor and a senior accountable person."""
    editor, sap = member(Role.EDITOR), member(Role.ADMIN)
    organisation.senior_accountable_person = sap
    organisation.save()
    assessment = assessment_for(organisation, catalogue_with(THIS_YEAR))
    for r in assessment.responses.select_related("item"):
        answer(r)
    return assessment, editor, sap


def _submit(assessment, editor, django_capture_on_commit_callbacks):
    with scope(organisation=assessment.organisation):
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_submit(assessment=assessment, by=editor)


def test_submitting_locks_it_and_emails_the_senior_accountable_person(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.AWAITING_APPROVAL and assessment.is_locked
        sent = deliver_emails()
        assert sent[-1].to == [sap.email]
        assert "Please approve" in sent[-1].subject
        r = assessment.responses.select_related("assessment", "item").first()
        with pytest.raises(ValidationError, match="waiting for approval"):
            services.response_update(response=r, data={"answer_text": "x"}, by=editor)


def test_submitting_needs_at_least_approaching_standards(organisation, member):
    with scope(organisation=organisation):
        sap = member(Role.ADMIN)
        organisation.senior_accountable_person = sap
        organisation.save()
        assessment = assessment_for(organisation, catalogue_with(THIS_YEAR))
        with pytest.raises(ValidationError, match="Not ready yet"):
            services.assessment_submit(assessment=assessment, by=member())


def test_submitting_needs_a_senior_accountable_person(organisation, member):
    with scope(organisation=organisation):
        assessment = assessment_for(organisation, catalogue_with(THIS_YEAR))
        for r in assessment.responses.select_related("item"):
            answer(r)
        with pytest.raises(ValidationError, match="senior accountable person"):
            services.assessment_submit(assessment=assessment, by=member())


def test_after_a_publication_approaching_standards_cannot_be_submitted(organisation, member):
    with scope(organisation=organisation):
        sap = member(Role.ADMIN)
        organisation.senior_accountable_person = sap
        organisation.save()
        assessment = assessment_for(
            organisation, catalogue_with(THIS_YEAR), previously_published=True
        )
        for r in assessment.responses.select_related("item"):
            if r.item.level == Level.APPROACHING:
                answer(r)
        with pytest.raises(ValidationError, match="must reach Standards Met"):
            services.assessment_submit(assessment=assessment, by=member())


def test_only_the_senior_accountable_person_can_approve(
    ready, member, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        for someone in (editor, member(Role.ADMIN)):
            with pytest.raises(PermissionDenied):
                services.assessment_approve(assessment=assessment, by=someone, **SIGNED)
        assert not Approval.objects.exists()


def test_approval_keeps_a_snapshot_locks_and_emails_the_submitter(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            approval = services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        assert assessment.status == AssessmentStatus.APPROVED
        assert approval.approved_by == sap and approval.outcome_level == "standards_met"
        assert {a["ref"] for a in approval.snapshot["answers"]} == {
            "1.1.1",
            "1.1.2",
            "4.3.1",
            "5.1.1",
        }
        sent = deliver_emails()
        assert sent[-1].to == [editor.email] and "Approved" in sent[-1].subject
        assert ActivityLog.objects.filter(action="assessment.approved").exists()


def test_returning_needs_a_comment_unlocks_and_emails_the_submitter(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        with pytest.raises(ValidationError):
            services.assessment_return(assessment=assessment, by=sap, comment=" ")
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_return(
                assessment=assessment, by=sap, comment="Add the date to 1.1.2"
            )
        assert assessment.status == AssessmentStatus.DRAFT and not assessment.is_locked
        sent = deliver_emails()
        assert "Add the date to 1.1.2" in sent[-1].body and sent[-1].to == [editor.email]


def test_a_new_revision_unlocks_and_keeps_the_approved_snapshot(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        approval = services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        services.assessment_new_revision(assessment=assessment, by=editor)
        assert assessment.status == AssessmentStatus.DRAFT and assessment.revision == 2
        r = assessment.responses.select_related("assessment", "item").get(item__ref="1.1.1")
        services.response_update(response=r, data={"answer_text": "ZA999"}, by=editor)
        approval.refresh_from_db()
        first = next(a for a in approval.snapshot["answers"] if a["ref"] == "1.1.1")
        assert first["answer_text"] != "ZA999"


def test_publication_is_recorded_and_approaching_standards_only_once(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        today = timezone.localdate()
        with pytest.raises(ValidationError, match="future"):
            services.publication_record(
                assessment=assessment,
                published_on=today + dt.timedelta(days=1),
                outcome="standards_met",
                by=editor,
            )
        services.publication_record(
            assessment=assessment, published_on=today, outcome="approaching_standards", by=editor
        )
        assert assessment.status == AssessmentStatus.PUBLISHED
        services.assessment_new_revision(assessment=assessment, by=editor)
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        with pytest.raises(ValidationError, match="only once"):
            services.publication_record(
                assessment=assessment,
                published_on=today,
                outcome="approaching_standards",
                by=editor,
            )


# ---------------------------------------------------------------- the views refuse the wrong role


def _url(name, org):
    return reverse(f"assessments:{name}", kwargs={"org": org.slug})


def test_approve_view_refuses_anyone_but_the_senior_accountable_person(
    client_as, ready, django_capture_on_commit_callbacks
):
    assessment, editor, sap = ready
    _submit(assessment, editor, django_capture_on_commit_callbacks)
    org = assessment.organisation
    assert client_as(Role.ADMIN).post(_url("approve", org)).status_code == 403
    assert client_as(Role.EDITOR).post(_url("return", org), {"comment": "no"}).status_code == 403
    client = client_as(Role.VIEWER)
    client.force_login(sap)
    page = client.post(_url("approve", org), {**SIGNED, "declared": "on"}, follow=True)
    assert "Approved. Answers are now locked." in page.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED


def test_approval_page_shows_the_senior_accountable_person_their_buttons(
    client_as, ready, django_capture_on_commit_callbacks
):
    assessment, editor, sap = ready
    _submit(assessment, editor, django_capture_on_commit_callbacks)
    client = client_as(Role.VIEWER)
    client.force_login(sap)
    page = client.get(_url("approval", assessment.organisation)).content.decode()
    assert "Review and approve" in page and "Return with comment" in page
    other = client_as(Role.EDITOR).get(_url("approval", assessment.organisation)).content.decode()
    assert "Review and approve" not in other and "Waiting for" in other


def test_viewer_cannot_submit(client_as, ready):
    assessment, editor, sap = ready
    assert client_as(Role.VIEWER).post(_url("submit", assessment.organisation)).status_code == 403


def test_the_published_outcome_cannot_be_higher_than_what_was_approved(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready  # approved at Standards Met (no Cyber Essentials Plus)
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        with pytest.raises(ValidationError, match="higher than the outcome that was approved"):
            services.publication_record(
                assessment=assessment,
                published_on=timezone.localdate(),
                outcome="standards_exceeded",
                by=editor,
            )


def test_documents_cannot_be_linked_or_unlinked_once_approved(
    ready, django_capture_on_commit_callbacks
):
    with scope(organisation=ready[0].organisation):
        from assessments.services import document_link, document_unlink

        assessment, editor, sap = ready
        doc = Document.objects.create(organisation=assessment.organisation, title="DP policy")
        response = assessment.responses.select_related("assessment", "item").first()
        document_link(document=doc, response=response, by=editor)
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        response.assessment.refresh_from_db()
        with pytest.raises(ValidationError):
            document_unlink(document=doc, response=response, by=editor)
        with pytest.raises(ValidationError):
            document_link(
                document=Document.objects.create(organisation=assessment.organisation, title="X"),
                response=response,
                by=editor,
            )
        assert DocumentLink.objects.filter(response=response).count() == 1


# ---------------------------------------------------------------- publication, carefully


def test_publication_record_saves_all_or_nothing(
    ready, django_capture_on_commit_callbacks, monkeypatch
):
    """If the audit entry cannot be written, the publication is not half-recorded."""
    with scope(organisation=ready[0].organisation):
        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        services.assessment_approve(assessment=assessment, by=sap, **SIGNED)

        def broken(**kwargs):
            raise RuntimeError("audit trail unavailable")

        monkeypatch.setattr(services, "activity_record", broken)
        with pytest.raises(RuntimeError):
            services.publication_record(
                assessment=assessment,
                published_on=timezone.localdate(),
                outcome="standards_met",
                by=editor,
            )
        approval = Approval.objects.get(assessment=assessment)
        assert approval.published_on is None and approval.published_outcome == ""
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.APPROVED


def test_publication_date_is_compared_with_the_uk_date_of_approval(
    ready, django_capture_on_commit_callbacks
):
    """Approved at 00:30 on 11 June (BST) is 23:30 on 10 June in UTC: 10 June is too early."""
    with scope(organisation=ready[0].organisation):
        import time_machine

        assessment, editor, sap = ready
        _submit(assessment, editor, django_capture_on_commit_callbacks)
        with time_machine.travel("2026-06-10 23:30 +0000", tick=False):
            services.assessment_approve(assessment=assessment, by=sap, **SIGNED)
        with time_machine.travel("2026-06-12 10:00 +0100", tick=False):
            with pytest.raises(ValidationError, match="before it was approved"):
                services.publication_record(
                    assessment=assessment,
                    published_on=dt.date(2026, 6, 10),
                    outcome="standards_met",
                    by=editor,
                )
            services.publication_record(
                assessment=assessment,
                published_on=dt.date(2026, 6, 11),
                outcome="standards_met",
                by=editor,
            )
        assert Approval.objects.get(assessment=assessment).published_on == dt.date(2026, 6, 11)
