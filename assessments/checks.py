"""Answer-quality checks: the pitfalls in docs/dspt-rules.md §7, each with a plain-English fix.

Warnings never block saving. `assessment_warnings(assessment, responses)` checks a whole
assessment in constant queries when `responses` come with `item` and
`document_links__document` loaded (the checklist does this); the 3.2.1 training check
adds one call to the evidence app's training register.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from .models import AnswerType
from .specifics import ASKS_FOR, missing_specifics
from .verdict import long_date

# Threshold for "far longer than needed": good evidence is specific and concise.
LONG_ANSWER_WORDS = 300
COPIED_MIN_CHARS = 40
TRAINING_TARGET = 95

VAGUE = re.compile(
    r"\b(polic(y|ies) (is |are )?attached|see (the |our )?(attached|policy|policies|document|"
    r"procedure|handbook|file)|as per (the |our )?(policy|procedure)|refer to (the |our )?"
    r"(policy|procedure|document)|(it'?s |all )?in (the|our) (policy|policies|procedure)|"
    r"attached|on file)\b",
    re.IGNORECASE,
)
MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?"
)
DATED = re.compile(
    rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|"
    rf"\b({MONTHS})\b\.?,?\s+(19|20)\d{{2}}\b|\b(19|20)\d{{2}}\b",
    re.IGNORECASE,
)
SPECIFIC = re.compile(
    r"\b(section|sections|para(graph)?|page|clause|appendix|version|v\d+(\.\d+)?|folder|drive|"
    r"sharepoint|onedrive|intranet|cabinet|office|shelf|binder|system)\b|§|https?://|[\\/>]",
    re.IGNORECASE,
)
DONE_WORDS = re.compile(
    r"\b(train(ed|ing)?|review(ed|s)?|test(ed|s|ing)?|spot checks?|audit(ed|s)?|"
    r"analysis|exercise|penetration|restored?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AnswerWarning:
    code: str
    title: str
    fix: str


@dataclass
class CheckContext:
    """What the checks need beyond one response, computed once per assessment."""

    deadline: dt.date
    today: dt.date
    narratives: dict[str, list[str]] = field(default_factory=dict)
    training: object | None = None


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _text(response) -> str:
    return f"{response.answer_text}\n{response.narrative}".strip()


def training_summary_for(organisation, on: dt.date, deadline: dt.date | None = None):
    """The evidence app's training register summary on `on` (the publication date the
    outcome is projected for: today), or None when there is no register yet."""
    try:
        from evidence.services import training_summary

        return training_summary(organisation=organisation, on=on, deadline=deadline)
    except (ImportError, AttributeError):
        return None


def context_for(
    assessment, responses, *, today: dt.date | None = None, only=None, training=None
) -> CheckContext:
    """`only`: the responses whose warnings are wanted, when not all of them (one checklist
    row): the training register is then read only if 3.2.1 is among them. `training`: the
    register's summary on `today`, when the caller has read it already (the outcome's)."""
    narratives: dict[str, list[str]] = defaultdict(list)
    for r in responses:
        key = _normalise(r.narrative)
        if len(key) >= COPIED_MIN_CHARS:
            narratives[key].append(r.item.ref)
    today = today or timezone.localdate()
    if training is None and any(
        r.item.ref == "3.2.1" for r in (responses if only is None else only)
    ):
        # Counted on the same day as the outcome (`outcome.facts_for`): publishing today.
        # Training that lapses before the deadline is reported separately ("expiring").
        training = training_summary_for(
            assessment.organisation, today, deadline=assessment.deadline
        )
    return CheckContext(
        deadline=assessment.deadline,
        today=today,
        narratives=dict(narratives),
        training=training,
    )


# ---------------------------------------------------------------- the checks


def _specifics_apply(r) -> bool:
    """The item is answered in words and `specifics.ASKS_FOR` says what the words need:
    a text item, or a document item with a written location and no linked document."""
    if r.not_applicable or r.item.ref not in ASKS_FOR:
        return False
    if r.item.answer_type == AnswerType.TEXT:
        return True
    return r.item.answer_type == AnswerType.DOCUMENT and not r.document_links.all()


def _and_joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _missing_specifics(r, ctx):
    if not _specifics_apply(r):
        return
    missing = missing_specifics(r.item.ref, _text(r), r.answer_date)
    if missing:
        yield AnswerWarning(
            "missing_specifics",
            f"The answer does not say {_and_joined(missing)}",
            (r.item.guidance or "Add the specific details this item asks for.")
            + " An assessor reading only your answer should be able to check it.",
        )


def _vague_reference(r, ctx):
    if _specifics_apply(r):
        return  # `_missing_specifics` says exactly what is missing
    text = _text(r)
    if text and VAGUE.search(text) and not (SPECIFIC.search(text) or DATED.search(text)):
        yield AnswerWarning(
            "vague_reference",
            "The answer points to a document without saying which part or where it is",
            "Name the document, the section, and where it is held or when it was last "
            "reviewed, e.g. 'Data Protection Policy v4, section 3, reviewed March 2026, "
            "in the policy folder in the manager's office'.",
        )


def _document_review(r, ctx):
    for link in r.document_links.all():
        doc = link.document
        due = doc.next_review_due
        if due is None:
            continue
        if due < ctx.today:
            yield AnswerWarning(
                "document_overdue",
                f"'{doc.title}' was due for review on {due.day} {due:%B %Y}",
                "Review the document, record the new review date in the evidence library, "
                "or link the current version instead.",
            )
        elif due <= ctx.deadline:
            yield AnswerWarning(
                "document_due",
                f"'{doc.title}' is due for review on {due.day} {due:%B %Y}, before the deadline",
                "Plan the review before the deadline so the evidence is current when you "
                "publish, then record the new review date in the evidence library.",
            )


def _copied_narrative(r, ctx):
    own = r.item.ref  # read once: every response may share one narrative
    others = [ref for ref in ctx.narratives.get(_normalise(r.narrative), []) if ref != own]
    if others:
        yield AnswerWarning(
            "copied_narrative",
            f"The same narrative is used for {', '.join(others)}",
            "Write what this item asks about: the specific evidence, where it is and when "
            "it was last checked. Copied text rarely answers two questions well.",
        )


def _document_missing(r, ctx):
    touched = r.status != "not_started" or r.narrative.strip()
    if (
        r.item.answer_type == AnswerType.DOCUMENT
        and touched
        and not r.not_applicable
        and not r.answer_text.strip()
        and not r.document_links.all()
    ):
        yield AnswerWarning(
            "document_missing",
            "This item needs a document, or where the document is held",
            "Link the document from the evidence library, or write where it is kept, e.g. "
            "'Shared drive > Governance > Asset register (reviewed May 2026)'.",
        )


def _na_without_reason(r, ctx):
    if r.not_applicable and not r.na_reason.strip():
        yield AnswerWarning(
            "na_without_reason",
            "'Not applicable' has no reason",
            "Say why it does not apply, e.g. 'No data breaches or near misses in the last "
            "12 months (incident log checked 2 June 2026)'.",
        )


def _carried_unchanged(r, ctx):
    if r.carried_from_id and r.review_needed:
        yield AnswerWarning(
            "carried_unchanged",
            "Copied from last year and not checked yet",
            "Check the answer still holds this year, update dates and documents, then save.",
        )


def _undated(r, ctx):
    if not DONE_WORDS.search(r.item.summary) or r.not_applicable:
        return
    if _specifics_apply(r) and any(kind == "date" for kind, _ in ASKS_FOR[r.item.ref]):
        return  # `_missing_specifics` names the missing date
    text = _text(r)
    if not (text or r.is_answered):
        return
    if r.answer_date is None and not DATED.search(text):
        yield AnswerWarning(
            "undated",
            "No date given for when this was done",
            "Add when it last happened, e.g. 'Reviewed by the manager on 12 March 2026'. "
            "Reviews, training and tests count only within the last 12 months.",
        )


def _too_long(r, ctx):
    words = len(_text(r).split())
    if words > LONG_ANSWER_WORDS:
        yield AnswerWarning(
            "too_long",
            f"The answer is long ({words} words)",
            "Good evidence is short: what it is, where it is held, when it was last "
            "reviewed. Aim for under 150 words and link the document for the detail.",
        )


def _names(people) -> list[str]:
    """Names from the register summary (strings, or objects with a `name`)."""
    return [str(getattr(p, "name", p)) for p in people or []]


def _percent(summary):
    """The trained percentage, whichever name the register summary gives it."""
    for attr in ("percent", "percentage"):
        value = getattr(summary, attr, None)
        if value is not None:
            return value
    return None


def _joined(names: list[str], limit: int = 10) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _training(r, ctx):
    if r.item.ref != "3.2.1" or r.not_applicable:
        return
    summary = ctx.training
    percent = _percent(summary) if summary is not None else None
    if percent is not None and percent < TRAINING_TARGET:
        missing = _names(getattr(summary, "missing", []))
        yield AnswerWarning(
            "training_below_target",
            f"Training register: {percent:.1f}% trained in the 12 months before "
            f"{long_date(ctx.today)} (at least 95% needed)",
            (f"Not trained yet: {_joined(missing)}. " if missing else "")
            + "Book their data security training and record it in the training register.",
        )
    elif percent is None and r.answer_number is not None and r.answer_number < TRAINING_TARGET:
        yield AnswerWarning(
            "training_below_target",
            f"{r.answer_number:.0f}% trained is below the 95% the toolkit needs",
            "Train the remaining staff, directors, trustees and volunteers before you "
            "publish, and keep the training log as evidence.",
        )
    if summary is not None and getattr(summary, "headcount_differs", False):
        yield AnswerWarning(
            "training_headcount_differs",
            f"The training register counts {summary.in_scope_count:,} people, but your "
            f"organisation's details say {summary.stated_headcount:,}",
            summary.headcount_message,
        )
    expiring = _names(getattr(summary, "expiring", [])) if summary is not None else []
    if expiring:
        yield AnswerWarning(
            "training_expiring",
            f"Training runs out before the deadline for {len(expiring)} "
            f"{'person' if len(expiring) == 1 else 'people'}",
            f"Refresh training for {_joined(expiring)} before the deadline.",
        )


CHECKS = [
    _missing_specifics,
    _vague_reference,
    _document_review,
    _copied_narrative,
    _document_missing,
    _na_without_reason,
    _carried_unchanged,
    _undated,
    _too_long,
    _training,
]


def response_warnings(response, ctx: CheckContext) -> list[AnswerWarning]:
    return [w for check in CHECKS for w in check(response, ctx)]


def assessment_warnings(
    assessment, responses, *, today=None, training=None
) -> dict[int, list[AnswerWarning]]:
    """{response pk: warnings} for every response with at least one warning (`training`:
    as for `context_for`)."""
    responses = list(responses)
    ctx = context_for(assessment, responses, today=today, training=training)
    result = {}
    for r in responses:
        found = response_warnings(r, ctx)
        if found:
            result[r.pk] = found
    return result
