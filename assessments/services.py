"""Writes for assessments: start (with carry-forward), answer, comment, link documents,
approve, publish.

Every change to compliance data records an ActivityLog row via `activity_record`.
Approval sends `assessments.signals.assessment_approved` (reports listens): assessments
never imports a higher app.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from dspt_portal.deadlines import dspt_deadline
from evidence import services as evidence_services
from evidence.models import Document
from organisations.services import activity_record, changes_between, snapshot
from outbox.services import email_queue
from registers.changes import year_changes

from .models import (
    Approval,
    Assessment,
    CatalogueVersion,
    Comment,
    DocumentLink,
    Level,
    PublishedOutcome,
    Response,
    ResponseStatus,
)
from .outcome import assessment_outcome, responses_for_outcome
from .signals import assessment_approved
from .states import Move, lock_for_editing, transition_take
from .summaries import inputs_changed

ANSWER_FIELDS = [
    "answer_confirmed",
    "answer_text",
    "answer_number",
    "answer_date",
    "narrative",
    "not_applicable",
    "na_reason",
]
RESPONSE_FIELDS = [*ANSWER_FIELDS, "status", "owner"]


# ---------------------------------------------------------------- starting a year


def _create_responses(responses) -> list[Response]:
    """Bulk-create empty responses, each with its first history record."""
    created = Response.objects.bulk_create(list(responses))
    by = created[0].updated_by if created else None
    Response.history.bulk_history_create(created, default_user=by)
    for organisation_id in {r.organisation_id for r in created}:
        inputs_changed(organisation_id)  # a bulk create sends no post_save
    return created


def level_change(old: str, new: str) -> str:
    """'is now mandatory for Standards Met': what a level change means, in plain words."""
    if old == new:
        return ""
    if new == Level.OPTIONAL:
        return "is no longer mandatory (now optional)"
    if new == Level.APPROACHING:
        return "is now mandatory for Approaching Standards"
    if old == Level.APPROACHING:
        return "is now needed for Standards Met only (no longer for Approaching Standards)"
    return "is now mandatory for Standards Met"


def item_change(old, new) -> dict:
    """One item's old and new wording and level, for the carry-forward change list."""
    return {
        "ref": new.ref,
        "old_summary": old.summary,
        "new_summary": new.summary,
        "reworded": old.summary != new.summary,
        "old_level": Level(old.level).label,
        "new_level": Level(new.level).label,
        "level_change": level_change(old.level, new.level),
    }


def _copy_answers(*, old: dict, new: dict, organisation_id: int, by, new_year: bool) -> dict:
    """Copy answers, narratives and document links from `old` to `new` responses (both
    {item ref: Response}), matched by item ID; report new, reworded and removed items."""
    report = {
        "copied": [],
        "new_items": [ref for ref in new if ref not in old],
        "new_item_details": [
            {"ref": ref, "summary": r.item.summary, "level": Level(r.item.level).label}
            for ref, r in new.items()
            if ref not in old
        ],
        "changed_wording": [],
        # Old and new side by side for every item whose wording or level changed.
        "changes": [],
        "removed_items": [
            {"ref": ref, "summary": r.item.summary} for ref, r in old.items() if ref not in new
        ],
    }
    links_by_response: dict[int, list] = {}
    for link in DocumentLink.objects.filter(response__in=list(old.values())):
        links_by_response.setdefault(link.response_id, []).append(link.document_id)
    links = []
    for ref, target in new.items():
        source = old.get(ref)
        if source is None:
            continue
        reworded = source.item.summary != target.item.summary
        if reworded:
            report["changed_wording"].append(ref)
        if reworded or source.item.level != target.item.level:
            report["changes"].append(item_change(source.item, target.item))
        for name in ANSWER_FIELDS:
            setattr(target, name, getattr(source, name))
        if target.not_applicable and not target.item.na_allowed:
            target.not_applicable = False
        target.owner_id = source.owner_id
        if new_year:
            # Last year's answer: check it still holds, and remember where it came from.
            target.carried_from = source
            target.review_needed = True
            if source.status != ResponseStatus.NOT_STARTED:
                target.status = ResponseStatus.IN_PROGRESS
        else:
            # The same year on a newer checklist: only reworded questions need a fresh look.
            target.review_needed = source.review_needed or reworded
            target.status = ResponseStatus.IN_PROGRESS if reworded else source.status
        target.updated_by = by
        target._history_user = by
        target._change_reason = (
            "Copied from last year" if new_year else "Moved to a newer checklist"
        )
        target.save()
        report["copied"].append(ref)
        links += [
            DocumentLink(
                organisation_id=organisation_id,
                document_id=document_id,
                response=target,
                created_by=by,
            )
            for document_id in links_by_response.get(source.pk, [])
        ]
    DocumentLink.objects.bulk_create(links)
    if links:
        inputs_changed(organisation_id)  # a bulk create sends no post_save
    report["links_copied"] = len(links)
    return report


def _carry_forward(*, previous: Assessment, assessment: Assessment, by) -> dict:
    """Copy last year's answers, narratives and document links, matched by item ID."""
    report = _copy_answers(
        old={r.item.ref: r for r in previous.responses.select_related("item")},
        new={r.item.ref: r for r in assessment.responses.select_related("item")},
        organisation_id=assessment.organisation_id,
        by=by,
        new_year=True,
    )
    return {"from_year": previous.year_label, "from_catalogue": previous.catalogue.label, **report}


@transaction.atomic
def assessment_change_catalogue(
    *, assessment: Assessment, catalogue: CatalogueVersion, by, request=None
) -> Assessment:
    """Move this year's assessment onto a newer checklist (e.g. when NHS England publishes
    the year's questions after the team started on last year's), keeping every answer,
    document link and comment whose item still exists."""
    lock_for_editing(assessment)
    if (
        catalogue.pk == assessment.catalogue_id
        or catalogue.dspt_year < assessment.catalogue.dspt_year
    ):
        raise ValidationError("Choose a newer checklist than the one in use.")
    old = {r.item.ref: r for r in assessment.responses.select_related("item")}
    _create_responses(
        Response(
            organisation=assessment.organisation, assessment=assessment, item=item, updated_by=by
        )
        for item in catalogue.items.all()
    )
    new = {
        r.item.ref: r
        for r in assessment.responses.filter(item__version=catalogue).select_related("item")
    }
    report = _copy_answers(
        old=old, new=new, organisation_id=assessment.organisation_id, by=by, new_year=False
    )
    for ref, source in old.items():
        if ref in new:
            # Comments and improvement-plan links follow the item onto the new checklist.
            source.comments.update(response=new[ref])
            source.action_items.update(response=new[ref])
    previous_label = assessment.catalogue.label
    Response.objects.filter(pk__in=[r.pk for r in old.values()]).delete()
    assessment.catalogue = catalogue
    assessment.carry_forward_report = {
        "from_year": assessment.year_label,
        "from_catalogue": previous_label,
        **report,
    }
    assessment.save(update_fields=["catalogue", "carry_forward_report", "updated_at"])
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="assessment.checklist_changed",
        target=assessment,
        changes={"catalogue": [previous_label, catalogue.label]},
        request=request,
    )
    return assessment


def current_dspt_year(catalogue: CatalogueVersion | None = None) -> int:
    """The DSPT year being worked on now: the year of the next 30 June deadline.

    The newest checklist loaded may be an older version (NHS England publishes each
    year's questions in the autumn); the assessment is still for the coming deadline.
    """
    year = dspt_deadline().year
    return max(year, catalogue.dspt_year) if catalogue else year


@transaction.atomic
def assessment_start(
    *,
    organisation,
    catalogue: CatalogueVersion,
    by,
    year: int | None = None,
    previously_published: bool = False,
    request=None,
) -> Assessment:
    """Create the organisation's assessment for the current DSPT year (or `year`) from this
    checklist, one response per item, carrying forward the latest earlier year's answers."""
    year = year or current_dspt_year(catalogue)
    if organisation.assessments.filter(dspt_year=year).exists():
        raise ValidationError("An assessment for this year has already been started.")
    previous = (
        organisation.assessments.filter(dspt_year__lt=year)
        .select_related("catalogue")
        .order_by("-dspt_year")
        .first()
    )
    assessment = Assessment.objects.create(
        organisation=organisation,
        catalogue=catalogue,
        dspt_year=year,
        deadline=dt.date(year, 6, 30),
        created_by=by,
        previously_published=previously_published or previous is not None,
    )
    _create_responses(
        Response(organisation=organisation, assessment=assessment, item=item, updated_by=by)
        for item in catalogue.items.all()
    )
    if previous is not None:
        assessment.carry_forward_report = _carry_forward(
            previous=previous, assessment=assessment, by=by
        )
        assessment.save(update_fields=["carry_forward_report"])
    activity_record(
        organisation=organisation,
        actor=by,
        action="assessment.started",
        target=assessment,
        changes={
            "catalogue": catalogue.key,
            "carried_forward_from": previous.year_label if previous else None,
        },
        request=request,
    )
    return assessment


# ---------------------------------------------------------------- answering


class AnswerChanged(Exception):
    """The answer was saved by someone else after the form was opened.

    `current` is the answer as it is stored now; nothing was written.
    """

    def __init__(self, current: Response):
        super().__init__("This answer was changed by someone else while you were editing it.")
        self.current = current


@transaction.atomic
def response_update(
    *,
    response: Response,
    data: dict[str, Any],
    by,
    expected_version: int | None = None,
    request=None,
    action: str = "response.updated",
    extra: dict[str, Any] | None = None,
) -> Response:
    """Save a response's answer, narrative, owner and status (validated by the form).

    With `expected_version` (the version the form was made from) the save goes through only
    if nobody has saved since; otherwise `AnswerChanged` is raised and nothing is written.
    Saving counts as checking a carried-forward answer, so `review_needed` is cleared.
    """
    lock_for_editing(response.assessment)
    # Work from the stored row, locked until commit, never from what the caller loaded.
    current = Response.objects.select_for_update().get(pk=response.pk)
    if expected_version is not None and current.version != expected_version:
        raise AnswerChanged(current)
    for name in [*ANSWER_FIELDS, "status", "owner_id", "review_needed", "version"]:
        setattr(response, name, getattr(current, name))
    before = snapshot(response, RESPONSE_FIELDS)
    for name, value in data.items():
        if name in RESPONSE_FIELDS:
            setattr(response, name, value)
    if not response.not_applicable:
        response.na_reason = ""
    else:
        # "Does not apply" replaces the answer, so no old answer is shown beside it; the
        # answer stays in the history, where it can be restored.
        response.answer_text, response.answer_confirmed = "", None
        response.answer_number = response.answer_date = None
    diff = changes_between(before, response, RESPONSE_FIELDS)
    if not diff and not response.review_needed:
        return response
    if response.review_needed:
        diff["review_needed"] = [True, False]
    response.review_needed = False
    if response.status == ResponseStatus.NOT_STARTED and diff:
        response.status = ResponseStatus.IN_PROGRESS
        diff.setdefault("status", [ResponseStatus.NOT_STARTED, ResponseStatus.IN_PROGRESS])
    response.updated_by = by
    # The conditional UPDATE is the real guard: it matches no row if another save got in
    # first, even on a database where SELECT ... FOR UPDATE does not block (SQLite).
    claimed = Response.objects.filter(pk=response.pk, version=current.version).update(
        version=current.version + 1
    )
    if not claimed:
        raise AnswerChanged(Response.objects.get(pk=response.pk))
    response.version = current.version + 1
    response._history_user = by  # django-simple-history: who made this change
    if extra and extra.get("restored_from"):
        response._change_reason = f"Restored the answer from {extra['restored_from']}"[:100]
    response.save()
    activity_record(
        organisation=response.organisation,
        actor=by,
        action=action,
        target=response,
        changes={**diff, **(extra or {})},
        request=request,
    )
    return response


def response_restore(
    *, response: Response, record_id: int, by, expected_version: int | None, request=None
) -> Response:
    """Put back the answer as it was in one of its history records (owner and progress
    stay as they are). Recorded like any change, as 'response.restored'."""
    from .history import answer_from

    earlier = answer_from(response, record_id)
    if earlier is None:
        raise ValidationError("That earlier answer is not in this item's history.")
    record = earlier.pop("record")
    when = timezone.localtime(record.history_date).strftime("%-d %B %Y, %H:%M")
    return response_update(
        response=response,
        data=earlier,
        by=by,
        expected_version=expected_version,
        request=request,
        action="response.restored",
        extra={"restored_from": when},
    )


@transaction.atomic
def comment_add(*, response: Response, text: str, by, request=None) -> Comment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a comment before adding it."})
    comment = Comment.objects.create(
        organisation=response.organisation, response=response, author=by, text=text
    )
    activity_record(
        organisation=response.organisation,
        actor=by,
        action="comment.added",
        target=response,
        changes={"comment": text[:200]},
        request=request,
    )
    return comment


# ---------------------------------------------------------------- approval


def _assessment_url(assessment: Assessment, name: str = "assessments:approval") -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse(name, kwargs={"org": assessment.organisation.slug})


def _who(user) -> str:
    return (user.full_name or user.email) if user else "someone"


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by, request=None) -> Assessment:
    """Send the assessment to the senior accountable person for approval (one email and
    one log entry, however many times it is clicked at once)."""
    transition = transition_take(assessment, Move.SUBMIT, by)
    sap = assessment.organisation.senior_accountable_person
    if sap is None:
        raise ValidationError(
            "Name a senior accountable person in Organisation details first: "
            "they approve the assessment."
        )
    outcome = assessment_outcome(assessment)
    if not outcome.can_submit:
        if outcome.must_reach_met:
            raise ValidationError(
                "You have published before, so this assessment must reach Standards Met. "
                f"{outcome.headline}."
            )
        raise ValidationError(f"Not ready yet: {outcome.headline}.")
    if outcome.improvement_plan_needed:
        from .plans import items_without_action

        missing = items_without_action(assessment, responses_for_outcome(assessment))
        if missing:
            refs = ", ".join(r.item.ref for r in missing)
            raise ValidationError(
                "At Approaching Standards you need an improvement plan for what is not met "
                f"yet. Add actions on the Improvement plan page for: {refs}."
            )
    assessment.status = transition.target
    assessment.submitted_by, assessment.submitted_at = by, timezone.now()
    # The approver's last comment stays on show until the team sends it again.
    assessment.returned_comment, assessment.returned_by, assessment.returned_at = "", None, None
    assessment.save()
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="assessment.submitted",
        target=assessment,
        changes={"projected_outcome": outcome.level.value, "revision": assessment.revision},
        request=request,
    )
    context = {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "outcome": outcome,
        "submitter": by,
        "url": _assessment_url(assessment),
    }
    email_queue("assessment_submitted", to=[sap.email], context=context)
    return assessment


def approval_signatory(assessment: Assessment, user) -> tuple[str, str]:
    """The name and role the approver signs as, unless they change them: their name, and
    the organisation's title for the role (else their job title)."""
    role = (
        assessment.organisation.senior_accountable_title
        or getattr(user, "job_title", "")
        or "Senior accountable person"
    )
    return _who(user), role


def approval_declaration(assessment: Assessment, *, outcome_label: str, plan: bool) -> str:
    """The sentence the approver ticks, stored word for word with the approval."""
    reviewed = "the answers, their documents, the open warnings"
    reviewed += ", the improvement plan" if plan else ""
    return (
        f"I have reviewed {reviewed} and the projected outcome of the "
        f"{assessment.organisation.name} DSPT {assessment.year_label} self-assessment "
        f"(revision {assessment.revision}). To the best of my knowledge it is accurate, and "
        f"I approve it for publication at {outcome_label}."
    )


def assessment_snapshot(assessment: Assessment) -> dict:
    """A frozen copy of the answers and projected outcome, kept with each approval."""
    responses = list(
        responses_for_outcome(assessment)
        .select_related("owner")
        .prefetch_related("document_links__document")
    )
    outcome = assessment_outcome(assessment, responses)
    return {
        "taken_at": timezone.now().isoformat(),
        "catalogue": assessment.catalogue.key,
        "revision": assessment.revision,
        "outcome": {
            "level": outcome.level.value,
            "label": outcome.label,
            "answered_mandatory": outcome.answered_mandatory,
            "total_mandatory": outcome.total_mandatory,
            "coverage": outcome.coverage_text,
        },
        "answers": [
            {
                **r.answer_record(),
                "documents": [link.document.title for link in r.document_links.all()],
            }
            for r in responses
        ],
    }


def _email_submitter(assessment: Assessment, name: str, context: dict) -> None:
    submitter = assessment.submitted_by
    if submitter is None:
        return
    context = {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "url": _assessment_url(assessment),
        **context,
    }
    email_queue(name, to=[submitter.email], context=context)


@transaction.atomic
def assessment_approve(
    *, assessment: Assessment, by, declared: bool, name: str, role: str, request=None
) -> Approval:
    """The senior accountable person approves: the assessment locks and a snapshot is kept,
    with the declaration they ticked and the name and role they signed as."""
    transition = transition_take(assessment, Move.APPROVE, by)
    name, role = name.strip(), role.strip()
    errors = {}
    if not declared:
        errors["declared"] = "Tick the declaration to confirm you have reviewed it."
    if not name:
        errors["name"] = "Enter your name as it should appear on the approved report."
    if not role:
        errors["role"] = "Enter your role, e.g. Registered Manager."
    if errors:
        raise ValidationError(errors)
    data = assessment_snapshot(assessment)
    declaration = approval_declaration(
        assessment,
        outcome_label=data["outcome"]["label"],
        plan=data["outcome"]["level"] == "approaching_standards",
    )
    approval = Approval.objects.create(
        declaration=declaration,
        declared_name=name,
        declared_role=role,
        organisation=assessment.organisation,
        assessment=assessment,
        revision=assessment.revision,
        snapshot=data,
        outcome_level=data["outcome"]["level"],
        submitted_by=assessment.submitted_by,
        submitted_at=assessment.submitted_at,
        approved_by=by,
        approved_at=timezone.now(),
    )
    assessment.status = transition.target
    assessment.returned_comment = ""
    assessment.save()
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="assessment.approved",
        target=assessment,
        changes={
            "revision": assessment.revision,
            "outcome": approval.outcome_level,
            "declared_as": f"{name}, {role}",
        },
        request=request,
    )
    _email_submitter(assessment, "assessment_approved", {"approver": by, "approval": approval})
    # Reports makes the approved report now, from the snapshot, so it is exactly what was
    # approved (reports/receivers.py; in this transaction, so it is never lost).
    assessment_approved.send(sender=Assessment, approval=approval, by=by)
    return approval


@transaction.atomic
def assessment_return(*, assessment: Assessment, by, comment: str, request=None) -> Assessment:
    """The senior accountable person sends it back with a comment; it unlocks."""
    transition = transition_take(assessment, Move.RETURN, by)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what needs changing before returning it."})
    assessment.status = transition.target
    assessment.returned_comment, assessment.returned_by = comment, by
    assessment.returned_at = timezone.now()
    assessment.save()
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="assessment.returned",
        target=assessment,
        changes={"comment": comment[:500]},
        request=request,
    )
    _email_submitter(assessment, "assessment_returned", {"approver": by, "comment": comment})
    return assessment


@transaction.atomic
def assessment_new_revision(*, assessment: Assessment, by, request=None) -> Assessment:
    """Unlock an approved (or published) assessment; earlier approvals stay as they were."""
    transition = transition_take(assessment, Move.NEW_REVISION, by)
    assessment.status = transition.target
    assessment.revision += 1
    assessment.submitted_by = assessment.submitted_at = None
    assessment.save()
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="assessment.revision_started",
        target=assessment,
        changes={"revision": [assessment.revision - 1, assessment.revision]},
        request=request,
    )
    return assessment


def _published_rank(outcome: str) -> int:
    from .outcome import level_rank

    try:
        return level_rank(outcome)
    except ValueError:  # "not met" and the like rank below everything
        return -1


@transaction.atomic
def publication_record(
    *, assessment: Assessment, published_on: dt.date, outcome: str, by, request=None
) -> Approval:
    """Record the date it was published on the national toolkit and the outcome shown."""
    transition = transition_take(assessment, Move.PUBLISH, by)
    approval = assessment.approvals.filter(revision=assessment.revision).first()
    if approval is None:
        raise ValidationError("This revision has not been approved yet.")
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": "The publication date cannot be in the future."})
    # Both dates as they read in the UK: approval at 00:30 BST is that day, not the one before.
    if published_on < timezone.localdate(approval.approved_at):
        raise ValidationError(
            {"published_on": "The publication date cannot be before it was approved."}
        )
    earlier = (
        assessment.previously_published
        or Approval.objects.filter(
            organisation_id=assessment.organisation_id, published_on__isnull=False
        )
        .exclude(pk=approval.pk)
        .exists()
    )
    from .outcome import level_rank

    if outcome in PublishedOutcome.values and _published_rank(outcome) > level_rank(
        approval.outcome_level
    ):
        raise ValidationError(
            {
                "outcome": "That is higher than the outcome that was approved. Record what "
                "the toolkit shows; if it differs, start a new revision and have it approved."
            }
        )
    if outcome == PublishedOutcome.APPROACHING and earlier:
        raise ValidationError(
            {
                "outcome": "Approaching Standards can be published only once. After a first "
                "publication the toolkit needs Standards Met or above."
            }
        )
    before = snapshot(approval, ["published_on", "published_outcome"])
    approval.published_on, approval.published_outcome = published_on, outcome
    approval.published_recorded_by, approval.published_recorded_at = by, timezone.now()
    approval.save()
    assessment.status = transition.target
    assessment.save(update_fields=["status", "updated_at"])
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="assessment.publication_recorded",
        target=assessment,
        changes=changes_between(before, approval, ["published_on", "published_outcome"]),
        request=request,
    )
    return approval


# ---------------------------------------------------------------- documents behind a response
# An approved (or waiting) assessment's evidence stays as it was approved.


@transaction.atomic
def document_link(*, document: Document, response: Response, by, request=None) -> DocumentLink:
    """Make `document` back `response` (doing it twice changes nothing)."""
    lock_for_editing(response.assessment)
    if document.organisation_id != response.organisation_id:
        raise ValidationError("That document belongs to another organisation.")
    link, created = DocumentLink.objects.get_or_create(
        document=document,
        response=response,
        defaults={"organisation_id": document.organisation_id, "created_by": by},
    )
    if created:
        activity_record(
            organisation=document.organisation,
            actor=by,
            action="document.linked",
            target=document,
            changes={"item": response.item.ref, "assessment": str(response.assessment)},
            request=request,
        )
    return link


@transaction.atomic
def document_upload_and_link(
    *, response: Response, data: dict[str, Any], file, checked, by, request=None
) -> Document:
    """Add a new document to the library and make it back `response`, or do neither: a
    locked assessment refuses before anything is stored."""
    lock_for_editing(response.assessment)
    document = evidence_services.document_create(
        organisation=response.organisation,
        by=by,
        request=request,
        data=data,
        file=file,
        checked=checked,
    )
    document_link(document=document, response=response, by=by, request=request)
    return document


@transaction.atomic
def document_unlink(*, document: Document, response: Response, by, request=None) -> None:
    lock_for_editing(response.assessment)
    deleted, _ = DocumentLink.objects.filter(document=document, response=response).delete()
    if deleted:
        activity_record(
            organisation=document.organisation,
            actor=by,
            action="document.unlinked",
            target=document,
            changes={"item": response.item.ref, "assessment": str(response.assessment)},
            request=request,
        )


def register_changes(organisation, *, today: dt.date | None = None, before=None):
    """'What changed this year' from the registers: entries added or changed since the
    organisation last recorded a publication on the national toolkit (of an assessment other
    than `before`, for that assessment's annual review), or since 1 July (seven queries)."""
    published = Approval.objects.filter(organisation=organisation, published_on__isnull=False)
    if before is not None:
        published = published.exclude(assessment=before)
    last = published.aggregate(last=Max("published_on"))["last"]
    return year_changes(organisation=organisation, last_published_on=last, today=today)
