"""What goes into a report, as plain JSON-ready data built by functions (no queries later).

`assessment_report_data(assessment)` reads the live answers; `approval_report_data(approval)`
reads the frozen snapshot kept with an approval. Both return the same shape, which the PDF
template, the Word builder and the submission pack render without touching the database.
The dict is stored on the Report, so a report can be rendered again exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.checks import assessment_warnings
from assessments.models import (
    AnswerType,
    Approval,
    Assessment,
    AssessmentStatus,
    Category,
    ImprovementAction,
    Level,
    PublishedOutcome,
    ResponseStatus,
)
from assessments.outcome import (
    OutcomeLevel,
    assessment_outcome,
    coverage_of,
    responses_for_outcome,
)
from assessments.plans import action_met
from assessments.services import register_changes
from evidence.models import Document, ReviewStatus
from evidence.uploads import download_name

from .render import safe_file_name

LEVEL_SHORT = {
    Level.APPROACHING: "Approaching Standards",
    Level.MET: "Standards Met",
    Level.OPTIONAL: "Optional",
}


def fmt_date(value: dt.date | str | None) -> str:
    """'3 March 2026' (accepts ISO strings from snapshots), '' for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return date_format(value, "j F Y")


def fmt_number(value: Decimal | str | None) -> str:
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"


def pack_file_name(ref: str, title: str, version_name: str, content_type: str) -> str:
    """'1.1.2 - Information asset register.pdf': item ID, document title, file type ending."""
    ending = os.path.splitext(download_name(version_name, content_type))[1]
    return f"{ref} - {safe_file_name(title)[:120]}{ending.lower()}"


# ---------------------------------------------------------------- answers


def answer_display(answer: dict, answer_type: str) -> str:
    """The answer as a person reads it (not applicable is shown separately)."""
    if answer["not_applicable"]:
        return "Not applicable"
    if answer_type == AnswerType.CONFIRMATION:
        return {True: "Yes, confirmed", False: "No"}.get(answer["answer_confirmed"], "")
    if answer_type == AnswerType.NUMBER:
        return fmt_number(answer["answer_number"])
    if answer_type == AnswerType.DATE:
        return fmt_date(answer["answer_date"])
    return answer["answer_text"]


def hint_values(answer: dict, item: dict) -> tuple[str, str]:
    """('14 February 2026', '96.5%'): the date or percentage an item asks for beside its
    answer (item 3.2.1's percentage trained), '' where it asks for none or none is given."""
    hint, kind = item.get("app_hint", ""), item["answer_type"]
    last_done = percentage = ""
    if hint == "date" and kind != AnswerType.DATE:
        last_done = fmt_date(answer.get("answer_date"))
    if hint == "percentage" and kind != AnswerType.NUMBER:
        number = fmt_number(answer.get("answer_number"))
        percentage = f"{number}%" if number else ""
    return last_done, percentage


def what_to_enter(answer: dict, item: dict, files: list[str]) -> list[dict]:
    """Per item, exactly what to type or upload on the national toolkit, in order."""
    steps = []
    kind = item["answer_type"]
    if answer["not_applicable"]:
        steps.append({"label": "Tick", "text": "Not applicable", "copy": False})
        steps.append(
            {"label": "Type", "text": f"Not applicable: {answer['na_reason']}", "copy": True}
        )
    elif kind == AnswerType.CONFIRMATION:
        if answer["answer_confirmed"]:
            steps.append({"label": "Tick", "text": "the confirmation box", "copy": False})
    elif kind == AnswerType.DATE and answer["answer_date"]:
        day = dt.date.fromisoformat(answer["answer_date"][:10])
        steps.append({"label": "Type", "text": day.strftime("%d/%m/%Y"), "copy": True})
    elif kind == AnswerType.NUMBER and answer["answer_number"] not in (None, ""):
        steps.append({"label": "Type", "text": fmt_number(answer["answer_number"]), "copy": True})
    elif answer["answer_text"].strip():
        label = "Type (or give this location)" if kind == AnswerType.DOCUMENT else "Type"
        steps.append({"label": label, "text": answer["answer_text"].strip(), "copy": True})
    if not answer["not_applicable"]:
        last_done, percentage = hint_values(answer, item)
        if last_done:
            day = dt.date.fromisoformat(answer["answer_date"][:10])
            steps.append(
                {"label": "Last done or reviewed", "text": day.strftime("%d/%m/%Y"), "copy": True}
            )
        if percentage:
            steps.append({"label": "Percentage", "text": percentage, "copy": True})
    if not answer["not_applicable"]:
        for name in files:
            steps.append({"label": "Upload", "text": name, "copy": True})
    if answer["narrative"].strip():
        steps.append({"label": "Comments box", "text": answer["narrative"].strip(), "copy": True})
    return steps


def _live_answer(response) -> dict:
    """A live response in the shape an approval's snapshot stores (`Response.answer_record`)."""
    return {
        **response.answer_record(),
        "documents": [link.document for link in response.document_links.all()],
    }


def _document_row(ref: str, document: Document, today: dt.date) -> dict:
    version = document.current_version
    return {
        "id": document.pk,
        "title": document.title,
        "kind": document.get_kind_display(),
        "version": version.number if version else None,
        "version_id": version.pk if version else None,
        "file_name": (
            pack_file_name(ref, document.title, version.original_name, version.content_type)
            if version
            else ""
        ),
        "original_name": version.original_name if version else "",
        "effective_on": fmt_date(document.effective_on),
        "last_reviewed_on": fmt_date(document.last_reviewed_on),
        "next_review_due": fmt_date(document.next_review_due),
        "review_overdue": document.review_status(today) == ReviewStatus.OVERDUE,
        "location": document.location,
    }


def _warnings(answer: dict, item: dict, documents: list[dict]) -> list[str]:
    """Open warnings a reader should see next to the item.

    Live answers carry the assessments app's quality checks (assessments/checks.py);
    a snapshot does not, so for it the document checks are made here from the data.
    """
    warnings = []
    if not answer["answered"] and item["level"] != Level.OPTIONAL:
        warnings.append(f"Not answered yet (needed for {LEVEL_SHORT[item['level']]}).")
    if "quality_warnings" in answer:
        return warnings + answer["quality_warnings"]
    if answer.get("review_needed"):
        warnings.append("Carried forward from last year and not checked yet.")
    for doc in documents:
        if doc["review_overdue"]:
            warnings.append(f"“{doc['title']}” was due for review on {doc['next_review_due']}.")
        if doc["version"] is None and not doc["location"]:
            warnings.append(f"“{doc['title']}” has no file uploaded and no location written.")
    return warnings


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            stem, ending = os.path.splitext(name)
            name = f"{stem} ({seen[name]}){ending}"
        out.append(name)
    return out


# ---------------------------------------------------------------- the whole report


def _progress(label: str, rows: list[dict]) -> dict:
    answered = sum(1 for r in rows if r["answered"])
    total = len(rows)
    return {
        "label": label,
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
    }


def _name(user) -> str:
    return (user.full_name or user.email) if user else ""


def _people(organisation) -> list[dict]:
    sap = _name(organisation.senior_accountable_person)
    if sap and organisation.senior_accountable_title:
        sap = f"{sap} ({organisation.senior_accountable_title})"
    people = [
        ("Registered manager", organisation.registered_manager_name),
        ("IG lead", _name(organisation.ig_lead)),
        ("Senior accountable person", sap or organisation.senior_accountable_title),
        (
            "Data Protection Officer"
            if organisation.has_dpo
            else "Responsible for data protection",
            organisation.dpo_name,
        ),
    ]
    if organisation.caldicott_guardian_name:
        people.append(("Caldicott guardian", organisation.caldicott_guardian_name))
    return [{"role": role, "name": name or "Not named"} for role, name in people]


def _approval_facts(approval: Approval | None) -> dict | None:
    if approval is None:
        return None
    by = approval.approved_by
    return {
        "id": approval.pk,
        "revision": approval.revision,
        "by": _name(by) or "Unknown",
        "by_title": (by.job_title if by else "") or "",
        "on": fmt_date(timezone.localtime(approval.approved_at).date()),
        "declaration": approval.declaration,
        "declared_name": approval.declared_name,
        "declared_role": approval.declared_role,
        "published_on": fmt_date(approval.published_on),
        "published_outcome": PublishedOutcome(approval.published_outcome).label
        if approval.published_outcome
        else "",
    }


def _plan_status(action, met: bool, today: dt.date) -> str:
    if met:
        items = "items" if len(action.items.all()) > 1 else "item"
        return f"{action.get_status_display()}, {items} now met"
    return action.get_status_display() + (", overdue" if action.is_overdue(today) else "")


def _plan_row(action, counted, today: dt.date) -> dict:
    refs = [link.response.item.ref for link in action.items.all()]
    return {
        "ref": ", ".join(refs),
        "action": action.title,
        "owner": _name(action.owner) if action.owner else "",
        "due": fmt_date(action.target_date) if action.target_date else "",
        "status": _plan_status(action, action_met(action, counted), today),
        "completed": fmt_date(action.completed_on) if action.completed_on else "",
        "note": action.completion_note,
    }


def _plan(assessment: Assessment, counted_refs: set[str], today: dt.date) -> list[dict] | None:
    """The improvement plan: every action, open ones first, with the items each covers;
    an open action whose items all count (`counted_refs`) says so instead of "overdue".
    None when there are no actions (no empty section in the report)."""
    actions = assessment.improvement_actions.select_related("owner").prefetch_related(
        "items__response__item"
    )
    actions = sorted(actions, key=ImprovementAction.plan_order)
    counted = {
        link.response_id
        for a in actions
        for link in a.items.all()
        if link.response.item.ref in counted_refs
    }
    return [_plan_row(a, counted, today) for a in actions] or None


def _items_by_ref(assessment: Assessment) -> dict[str, Any]:
    return {
        item.ref: item
        for item in assessment.catalogue.items.select_related("standard", "assertion").order_by(
            "sort_key"
        )
    }


def coverage_facts(coverage) -> dict:
    """How complete the checklist is, for every report: the sentence and the help link."""
    return {
        "partial": bool(coverage and coverage.is_partial),
        "text": coverage.text if coverage else "",
        "url": settings.SITE_URL + reverse("assessments_help:checklist"),
    }


def _report_data(
    *,
    assessment: Assessment,
    answers: list[dict],
    documents_by_ref: dict[str, list[Document]],
    outcome: dict,
    approval: Approval | None,
    today: dt.date,
    comments: dict[str, list[dict]] | None = None,
    counted_refs: set[str] | None = None,
) -> dict:
    """`counted_refs`: the items that count toward the outcome (for the plan's status)."""
    organisation = assessment.organisation
    items = _items_by_ref(assessment)
    standards: dict[int, dict] = {}
    pack = []
    flat = []
    for answer in answers:
        item_obj = items.get(answer["ref"])
        if item_obj is None:  # catalogue versions never change; this only guards bad data
            continue
        item = {
            "ref": item_obj.ref,
            "summary": item_obj.summary,
            "assertion": f"{item_obj.assertion.ref} {item_obj.assertion.title}",
            "level": item_obj.level,
            "level_label": LEVEL_SHORT[item_obj.level],
            "category": item_obj.category,
            "answer_type": item_obj.answer_type,
            "answer_type_label": AnswerType(item_obj.answer_type).label,
            "app_hint": item_obj.app_hint,
        }
        documents = [_document_row(item["ref"], d, today) for d in documents_by_ref[answer["ref"]]]
        files = _dedupe([d["file_name"] for d in documents if d["file_name"]])
        for doc, name in zip([d for d in documents if d["file_name"]], files, strict=True):
            doc["file_name"] = name
        last_done, percentage = hint_values(answer, item)
        owner = answer.get("owner_name") or answer.get("owner") or ""
        row = {
            **item,
            "answered": answer["answered"],
            "status_label": ResponseStatus(answer["status"]).label,
            "answer": answer_display(answer, item["answer_type"]),
            "last_done": "" if answer["not_applicable"] else last_done,
            "percentage": "" if answer["not_applicable"] else percentage,
            "owner": owner,
            "narrative": answer["narrative"],
            "not_applicable": answer["not_applicable"],
            "na_reason": answer["na_reason"],
            "documents": documents,
            "warnings": _warnings(answer, item, documents),
            "comments": (comments or {}).get(answer["ref"], []),
        }
        flat.append(row)
        std = standards.setdefault(
            item_obj.standard.number,
            {"number": item_obj.standard.number, "name": item_obj.standard.name, "items": []},
        )
        std["items"].append(row)
        pack.append({**item, "owner": owner, "steps": what_to_enter(answer, item, files)})
    by_standard = [
        _progress(f"{s['number']}. {s['name']}", s["items"])
        for s in sorted(standards.values(), key=lambda s: s["number"])
    ]
    by_category = [
        _progress(c.label, [r for r in flat if r["category"] == c.value]) for c in Category
    ]
    generated = timezone.localtime()
    return {
        "organisation": {
            "name": organisation.name,
            "ods_code": organisation.ods_code,
            "address": ", ".join(
                p for p in [*organisation.address.splitlines(), organisation.postcode] if p.strip()
            ),
            "service_type": organisation.get_service_type_display(),
            "people": _people(organisation),
        },
        "assessment": {
            "id": assessment.pk,
            "year_label": assessment.year_label,
            "catalogue": assessment.catalogue.label,
            "catalogue_key": assessment.catalogue.key,
            "deadline": fmt_date(assessment.deadline),
            "revision": approval.revision if approval else assessment.revision,
            "status": AssessmentStatus(assessment.status).label,
        },
        "outcome": outcome,
        "approval": _approval_facts(approval),
        "generated_at": generated.isoformat(),
        "generated_on": fmt_date(generated.date()),
        "by_standard": by_standard,
        "by_category": [c for c in by_category if c["total"]],
        "standards": sorted(standards.values(), key=lambda s: s["number"]),
        "item_count": len(flat),
        "warning_count": sum(len(r["warnings"]) for r in flat),
        "plan": _plan(assessment, counted_refs or set(), today),
        "pack": pack,
        "include_comments": comments is not None,
        "year_changes": _year_changes(assessment, today),
    }


def _year_changes(assessment: Assessment, today: dt.date) -> dict:
    """'What changed this year' from the registers, as plain lines (docs/dspt-rules.md)."""
    changes = register_changes(assessment.organisation, today=today, before=assessment)
    return {
        "since": changes.since_text,
        "lines": [
            {"text": c.text, "refs": c.refs, "on": fmt_date(timezone.localdate(c.at))}
            for c in changes.changes
        ],
    }


def _current_approval(assessment: Assessment) -> Approval | None:
    if assessment.status not in (AssessmentStatus.APPROVED, AssessmentStatus.PUBLISHED):
        return None
    return (
        assessment.approvals.filter(revision=assessment.revision)
        .select_related("approved_by")
        .first()
    )


def _comments(assessment: Assessment, until=None) -> dict[str, list[dict]]:
    """The team's comment thread on each item ({ref: [{author, on, text}]}), oldest first;
    for an approved revision, only what was written before it was approved."""
    from assessments.models import Comment

    found = Comment.objects.filter(response__assessment=assessment).select_related(
        "author", "response__item"
    )
    if until is not None:
        found = found.filter(created_at__lte=until)
    thread: dict[str, list[dict]] = {}
    for comment in found.order_by("created_at", "id"):
        thread.setdefault(comment.response.item.ref, []).append(
            {
                "author": _name(comment.author) or "A former member",
                "on": fmt_date(timezone.localtime(comment.created_at).date()),
                "text": comment.text,
            }
        )
    return thread


def assessment_report_data(
    assessment: Assessment, *, today: dt.date | None = None, include_comments: bool = False
) -> dict:
    """The report of the live assessment (its approval shown when the revision is approved),
    with the team's comment thread when asked for."""
    today = today or timezone.localdate()
    responses = list(
        responses_for_outcome(assessment)
        .select_related("owner")
        .prefetch_related(Document.current_version_prefetch("document_links__document__"))
    )
    outcome = assessment_outcome(assessment, responses, today=today)
    quality = assessment_warnings(assessment, responses, today=today)
    answers = [
        {**_live_answer(r), "quality_warnings": [w.title for w in quality.get(r.pk, [])]}
        for r in responses
    ]
    documents_by_ref = {a["ref"]: a.pop("documents") for a in answers}
    return _report_data(
        assessment=assessment,
        answers=answers,
        documents_by_ref=documents_by_ref,
        outcome={
            "level": outcome.level.value,
            "label": outcome.label,
            "headline": outcome.headline,
            "answered_mandatory": outcome.answered_mandatory,
            "total_mandatory": outcome.total_mandatory,
            "percent": outcome.percent_mandatory_done,
            "blockers": [r.item.ref for r in outcome.blockers_for_next],
            "coverage": coverage_facts(outcome.coverage),
            "held_back": [
                {"ref": h.response.item.ref, "reasons": " ".join(h.reasons)}
                for h in outcome.held_back
            ],
            "lapsing": [
                {
                    "ref": lapse.response.item.ref,
                    "day": fmt_date(lapse.out_of_date_from),
                    "reasons": "; ".join(lapse.reasons),
                }
                for lapse in outcome.lapsing
            ],
        },
        approval=_current_approval(assessment),
        today=today,
        comments=_comments(assessment) if include_comments else None,
        counted_refs={r.item.ref for r in responses if r.pk in outcome.counted},
    )


def approval_report_data(
    approval: Approval, *, today: dt.date | None = None, include_comments: bool = False
) -> dict:
    """The report of an approved revision, from the snapshot frozen at approval.

    The snapshot names linked documents by title; their version and dates are read as they
    are now, and then frozen with the report.
    """
    today = today or timezone.localdate()
    assessment = approval.assessment
    snapshot = approval.snapshot
    titles = {title for a in snapshot.get("answers", []) for title in a.get("documents", [])}
    documents = {
        d.title: d
        for d in Document.objects.filter(organisation=approval.organisation, title__in=titles)
        .prefetch_related(Document.current_version_prefetch())
        .order_by("created_at")
    }
    answers = [{"review_needed": False, **a} for a in snapshot.get("answers", [])]
    documents_by_ref = {
        a["ref"]: [documents[t] for t in a.get("documents", []) if t in documents] for a in answers
    }
    level = approval.outcome_level
    label = OutcomeLevel(level).label if level in OutcomeLevel.values else level
    saved = snapshot.get("outcome", {})
    answered, total = saved.get("answered_mandatory", 0), saved.get("total_mandatory", 0)
    return _report_data(
        assessment=assessment,
        answers=answers,
        documents_by_ref=documents_by_ref,
        outcome={
            "level": level,
            "label": label,
            "headline": f"Approved at {label}",
            "answered_mandatory": answered,
            "total_mandatory": total,
            "percent": round(100 * answered / total) if total else 0,
            "blockers": [],
            "coverage": coverage_facts(
                coverage_of(assessment.catalogue, questions=len(answers), mandatory=total)
            ),
            "held_back": [],
            "lapsing": [],
        },
        approval=approval,
        today=today,
        comments=_comments(assessment, until=approval.approved_at) if include_comments else None,
        # As frozen at approval: the items answered then.
        counted_refs={a["ref"] for a in answers if a.get("answered")},
    )
