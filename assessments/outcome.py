"""The projected DSPT outcome of an assessment (docs/dspt-rules.md §3), as pure functions.

- Approaching Standards: every `approaching_standards` item answered (and, at publication,
  an improvement plan for the rest; the toolkit checks that, we only remind).
- Standards Met: every `approaching_standards` and `standards_met` item answered.
- Standards Exceeded: Standards Met and a current Cyber Essentials Plus certificate.
  Answering optional items never gives Standards Exceeded.
- Otherwise "not yet".

"Answered" is `Response.is_answered`: a valid answer of the item's type, or "not
applicable" with a reason where the item allows it. The workflow status (even "done")
is the team's own tracking and never counts. An answered item counts only if it also
passes `verdict.item_check` on the publication date: time windows, the training register,
documents overdue for review (docs/dspt-rules.md).

The outcome is projected for publication today (`Facts.on`); evidence that goes out of
date before the deadline is listed with its day. Standards Exceeded needs the Cyber
Essentials Plus certificate to be valid on the publication date and, while the deadline
is ahead, still on the deadline: otherwise "Standards Met — Exceeded lapses on <date>".

`outcome_from` is the ONE function that computes an outcome: the checklist, home page,
portfolio, reports and reminders reach it through `assessment_outcome` (one assessment)
or `outcomes_for` (many, in constant queries).

Approaching Standards may be published only once: when the organisation has published
before, the next publication must reach Standards Met, so `can_submit` is false at AS.

Other apps (dashboards, reminders, reports) import `assessment_outcome` and `Outcome`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from .models import Category, Level
from .verdict import Facts, ItemCheck, item_check, long_date


class OutcomeLevel(models.TextChoices):
    NOT_YET = "not_yet", "Not yet at Approaching Standards"
    APPROACHING = "approaching_standards", "Approaching Standards"
    MET = "standards_met", "Standards Met"
    EXCEEDED = "standards_exceeded", "Standards Exceeded"


ORDER = [OutcomeLevel.NOT_YET, OutcomeLevel.APPROACHING, OutcomeLevel.MET, OutcomeLevel.EXCEEDED]
# Which item levels each outcome needs answered.
NEEDED = {
    OutcomeLevel.APPROACHING: {Level.APPROACHING},
    OutcomeLevel.MET: {Level.APPROACHING, Level.MET},
}


def level_rank(level: str) -> int:
    return ORDER.index(OutcomeLevel(level))


@dataclass
class Progress:
    """Answered items in one group (a standard or a category)."""

    key: str
    label: str
    answered: int = 0
    total: int = 0
    mandatory_answered: int = 0
    mandatory_total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered == self.total


@dataclass
class Coverage:
    """How much of the official checklist the portal's list holds."""

    questions: int
    mandatory: int
    official_questions: int | None = None
    official_mandatory: int | None = None

    @property
    def missing_mandatory(self) -> int:
        if self.official_mandatory is None:
            return 0
        return max(self.official_mandatory - self.mandatory, 0)

    @property
    def is_partial(self) -> bool:
        return bool(self.missing_mandatory) or bool(
            self.official_questions and self.questions < self.official_questions
        )

    @property
    def text(self) -> str:
        """e.g. 'projected on 51 of about 80 questions; 5 mandatory items not yet in the
        portal's list' (empty for a complete list)."""
        if not self.is_partial:
            return ""
        parts = [f"projected on {self.questions} of about {self.official_questions} questions"]
        if not self.official_questions:
            parts = [f"projected on {self.questions} questions"]
        if self.missing_mandatory:
            n = self.missing_mandatory
            parts.append(f"{n} mandatory item{'s' if n != 1 else ''} not yet in the portal's list")
        return "; ".join(parts)


def coverage_of(catalogue, *, questions: int, mandatory: int) -> Coverage:
    return Coverage(
        questions=questions,
        mandatory=mandatory,
        official_questions=getattr(catalogue, "official_questions", None),
        official_mandatory=getattr(catalogue, "official_mandatory", None),
    )


@dataclass
class Held:
    """An answered item that does not count (yet), and why."""

    response: object
    reasons: list[str]
    out_of_date_from: None = None


@dataclass
class Lapse:
    """An item that counts today but goes out of date before the deadline."""

    response: object
    out_of_date_from: dt.date
    reasons: list[str]


@dataclass
class Outcome:
    level: OutcomeLevel
    label: str
    next_level: OutcomeLevel | None
    # Unanswered responses that stand between this level and the next (empty when the
    # only thing missing is a Cyber Essentials Plus certificate).
    blockers_for_next: list = field(default_factory=list)
    needs_cyber_essentials_plus: bool = False
    # Every unanswered mandatory response, in toolkit order: all that stands before Standards Met.
    missing_for_met: list = field(default_factory=list)
    answered_mandatory: int = 0
    total_mandatory: int = 0
    answered_approaching: int = 0
    total_approaching: int = 0
    answered_all: int = 0
    total_all: int = 0
    previously_published: bool = False
    by_standard: list[Progress] = field(default_factory=list)
    by_category: list[Progress] = field(default_factory=list)
    # The publication date this is projected for, and the deadline.
    on: dt.date | None = None
    deadline: dt.date | None = None
    # Answered but not counted (out of window, register below 95%, document overdue).
    held_back: list[Held] = field(default_factory=list)
    # Counted now, out of date before the deadline (soonest first).
    lapsing: list[Lapse] = field(default_factory=list)
    # Standards Exceeded today, but the certificate lapses before the deadline.
    exceeded_lapses_on: dt.date | None = None
    coverage: Coverage | None = None
    # Response pks that count toward the outcome (answered and passing the verdict's
    # checks): an improvement action whose items are all here is met (plans.action_met).
    counted: frozenset = frozenset()

    @property
    def checks(self) -> dict:
        """{response pk: Held or Lapse} for item pages and checklist rows."""
        found = {lapse.response.pk: lapse for lapse in self.lapsing}
        found.update({h.response.pk: h for h in self.held_back})
        return found

    @property
    def is_partial(self) -> bool:
        return bool(self.coverage and self.coverage.is_partial)

    @property
    def coverage_text(self) -> str:
        return self.coverage.text if self.coverage else ""

    @property
    def label_with_coverage(self) -> str:
        """The label plus how complete the list is, for plain-text outputs."""
        return f"{self.label} ({self.coverage_text})" if self.is_partial else self.label

    @property
    def percent_mandatory_done(self) -> int:
        if not self.total_mandatory:
            return 0
        return round(100 * self.answered_mandatory / self.total_mandatory)

    @property
    def next_label(self) -> str:
        return self.next_level.label if self.next_level else ""

    @property
    def blockers_count(self) -> int:
        return len(self.blockers_for_next)

    @property
    def at_least_approaching(self) -> bool:
        return level_rank(self.level) >= level_rank(OutcomeLevel.APPROACHING)

    @property
    def must_reach_met(self) -> bool:
        """Published before: Approaching Standards cannot be published again."""
        return self.previously_published

    @property
    def can_submit(self) -> bool:
        if self.must_reach_met:
            return level_rank(self.level) >= level_rank(OutcomeLevel.MET)
        return self.at_least_approaching

    @property
    def improvement_plan_needed(self) -> bool:
        return self.level == OutcomeLevel.APPROACHING

    @property
    def headline(self) -> str:
        """One plain sentence, e.g. 'Standards Met needs 12 more items'."""
        if self.level == OutcomeLevel.EXCEEDED:
            return "You are on track for Standards Exceeded"
        if self.exceeded_lapses_on:
            return (
                f"Standards Met reached. Your Cyber Essentials Plus certificate lapses on "
                f"{long_date(self.exceeded_lapses_on)}, before the deadline: renew it to "
                "keep Standards Exceeded"
            )
        if self.needs_cyber_essentials_plus:
            return (
                "Standards Met reached. Standards Exceeded also needs a current "
                "Cyber Essentials Plus certificate"
            )
        n = len(self.blockers_for_next)
        return f"{self.next_label} needs {n} more item{'s' if n != 1 else ''}"


def _next(level: OutcomeLevel) -> OutcomeLevel | None:
    i = ORDER.index(level)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def outcome_from(
    responses: Iterable,
    *,
    facts: Facts,
    previously_published: bool = False,
    catalogue=None,
) -> Outcome:
    """The outcome of these responses on `facts.on` (each with `item`, `item.standard` and
    `document_links__document` loaded). No queries."""
    responses = list(responses)
    checked: dict[int, ItemCheck] = {r.pk: item_check(r, facts) for r in responses if r.is_answered}
    answered = {r.pk: r.pk in checked and checked[r.pk].counts for r in responses}
    missing = {
        target: [r for r in responses if r.item.level in levels and not answered[r.pk]]
        for target, levels in NEEDED.items()
    }
    if missing[OutcomeLevel.MET]:
        level = (
            OutcomeLevel.APPROACHING
            if not missing[OutcomeLevel.APPROACHING]
            else OutcomeLevel.NOT_YET
        )
    elif facts.has_cyber_essentials_plus and not facts.exceeded_lapses_on:
        level = OutcomeLevel.EXCEEDED
    else:
        level = OutcomeLevel.MET
    next_level = _next(level)
    lapses_on = facts.exceeded_lapses_on if level == OutcomeLevel.MET else None
    outcome = Outcome(
        level=level,
        label=(
            f"{level.label} — Exceeded lapses on {long_date(lapses_on)}"
            if lapses_on
            else level.label
        ),
        next_level=next_level,
        blockers_for_next=missing.get(next_level, []),
        needs_cyber_essentials_plus=level == OutcomeLevel.MET,
        missing_for_met=missing[OutcomeLevel.MET],
        previously_published=previously_published,
        total_all=len(responses),
        answered_all=sum(answered.values()),
        on=facts.on,
        deadline=facts.deadline,
        exceeded_lapses_on=lapses_on,
        counted=frozenset(pk for pk, counts in answered.items() if counts),
    )
    for r in responses:
        check = checked.get(r.pk)
        if check is None:
            continue
        if not check.counts:
            outcome.held_back.append(Held(r, check.reasons))
        elif check.out_of_date_from:
            outcome.lapsing.append(Lapse(r, check.out_of_date_from, check.lapse_reasons))
    outcome.lapsing.sort(key=lambda lapse: lapse.out_of_date_from)
    standards: dict[int, Progress] = {}
    categories = {c.value: Progress(c.value, c.label) for c in Category}
    for r in responses:
        std = r.item.standard
        group = standards.setdefault(
            std.number, Progress(str(std.number), f"{std.number}. {std.name}")
        )
        for progress in (
            group,
            categories.setdefault(r.item.category, Progress(r.item.category, r.item.category)),
        ):
            progress.total += 1
            progress.answered += answered[r.pk]
            if r.item.is_mandatory:
                progress.mandatory_total += 1
                progress.mandatory_answered += answered[r.pk]
        if r.item.is_mandatory:
            outcome.total_mandatory += 1
            outcome.answered_mandatory += answered[r.pk]
        if r.item.level == Level.APPROACHING:
            outcome.total_approaching += 1
            outcome.answered_approaching += answered[r.pk]
    outcome.by_standard = [standards[k] for k in sorted(standards)]
    outcome.by_category = [p for p in categories.values() if p.total]
    outcome.coverage = coverage_of(
        catalogue, questions=outcome.total_all, mandatory=outcome.total_mandatory
    )
    return outcome


def links_with_documents() -> Prefetch:
    """Each response's document links with their documents in one query, for pages that
    read `link.document` on every answer (the outcome and the checks)."""
    from .models import DocumentLink

    return Prefetch("document_links", queryset=DocumentLink.objects.select_related("document"))


def responses_for_outcome(assessment):
    """The queryset `outcome_from` needs, in toolkit order (two queries when evaluated)."""
    return (
        assessment.responses.select_related("item", "item__standard")
        .prefetch_related(links_with_documents())
        .order_by("item__sort_key")
    )


def has_published_before(assessment) -> bool:
    from .models import Approval

    if assessment.previously_published:
        return True
    return Approval.objects.filter(
        organisation_id=assessment.organisation_id, published_on__isnull=False
    ).exists()


def training_for(assessment, responses, today: dt.date):
    """The training register's summary on `today` when the checklist lists 3.2.1 (two
    queries), else None: read once, a page passes it to the outcome and the answer checks."""
    from evidence.training import training_summary

    from .verdict import TRAINING_REF

    if not any(r.item.ref == TRAINING_REF for r in responses):
        return None
    return training_summary(
        organisation=assessment.organisation, on=today, deadline=assessment.deadline
    )


def _registers_needed(refs) -> bool:
    from .verdict import REGISTER_CHECKS

    return any(ref in REGISTER_CHECKS for ref in refs)


def facts_for(assessment, *, today: dt.date | None = None, training=None, registers=None) -> Facts:
    today = today or timezone.localdate()
    return Facts(
        on=today,
        deadline=assessment.deadline,
        cyber_essentials_plus_expires_on=assessment.organisation.cyber_essentials_plus_expires_on,
        training=training,
        registers=registers,
    )


def assessment_outcome(
    assessment,
    responses: Iterable | None = None,
    *,
    previously_published: bool | None = None,
    today: dt.date | None = None,
    training=None,
    registers=None,
) -> Outcome:
    """The projected outcome of `assessment` on `today`. Pass `responses` already loaded
    (with `item`, `item.standard` and prefetched `document_links__document`) to avoid
    loading them again. Two more queries for the training register when 3.2.1 is listed,
    five for the registers, unless `training` (its `training_summary` on `today`) and
    `registers` (`register_figures` on `today`) are passed already read."""
    from registers.services import register_figures

    if responses is None:
        responses = responses_for_outcome(assessment)
    responses = list(responses)
    if previously_published is None:
        previously_published = has_published_before(assessment)
    today = today or timezone.localdate()
    if training is None:
        training = training_for(assessment, responses, today)
    # Always five queries (not only when a register item is listed), so a page costs the same
    # whatever the checklist holds.
    if registers is None:
        registers = register_figures(organisation=assessment.organisation, on=today)
    return outcome_from(
        responses,
        facts=facts_for(assessment, today=today, training=training, registers=registers),
        previously_published=previously_published,
        catalogue=assessment.catalogue,
    )


# ---------------------------------------------------------------- many organisations at once


@dataclass(frozen=True)
class Answered:
    """What `outcome_from` reads of a response, without the response (the bulk path)."""

    pk: int
    item: object
    is_answered: bool


def answered_q() -> Q:
    """`Response.is_answered` as a SQL condition, for counting many assessments at once.

    The same rule, written for the database: keep the two in step (the parity test in
    tests/assessments/test_outcome_bulk.py compares them over every kind of answer).
    """
    from .models import AnswerType, Response

    link = Response._meta.get_field("document_links").related_model
    written = Q(answer_text__regex=r"\S")
    return Q(not_applicable=True, item__na_allowed=True, na_reason__regex=r"\S") | Q(
        Q(item__answer_type=AnswerType.CONFIRMATION, answer_confirmed=True)
        | Q(item__answer_type=AnswerType.TEXT) & written
        | Q(item__answer_type=AnswerType.DOCUMENT)
        & (written | Q(Exists(link.objects.filter(response_id=OuterRef("pk")))))
        | Q(item__answer_type=AnswerType.NUMBER, answer_number__isnull=False)
        | Q(item__answer_type=AnswerType.DATE, answer_date__isnull=False),
        not_applicable=False,
    )


def _latest_assessments(organisation_ids) -> QuerySet:
    """Each organisation's newest assessment (by DSPT year), in one query."""
    from .models import Assessment

    newer = Assessment.objects.filter(
        organisation_id=OuterRef("organisation_id"), dspt_year__gt=OuterRef("dspt_year")
    )
    return Assessment.objects.filter(organisation_id__in=organisation_ids).exclude(Exists(newer))


class _Links(list):
    """A response's document links, read like the prefetched `response.document_links`."""

    def all(self) -> list:
        return self


_NO_LINKS = _Links()


@dataclass(frozen=True, slots=True)
class _Document:
    title: str
    next_review_due: dt.date | None
    last_reviewed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class _Link:
    document: _Document


_ANSWER_FIELDS = (
    "id",
    "assessment_id",
    "item_id",
    "answer_confirmed",
    "answer_text",
    "answer_number",
    "answer_date",
    "not_applicable",
    "na_reason",
    "narrative",
)


@dataclass(slots=True)
class _Answer:
    """One response as the bulk path reads it (`is_answered` worked out by `answered_q`)."""

    pk: int
    assessment_id: int
    item_id: int
    answer_confirmed: bool | None
    answer_text: str
    answer_number: object
    answer_date: dt.date | None
    not_applicable: bool
    na_reason: str
    narrative: str
    item: object
    document_links: _Links
    is_answered: bool

    @property
    def id(self) -> int:
        return self.pk


def outcomes_for(organisations: list, *, today: dt.date | None = None) -> dict:
    """{organisation id: (latest assessment or None, its Outcome or None)} in a constant
    number of queries, whatever the number of organisations (the portfolio, the platform
    overview, reminders, reports use it). The one outcome: time windows, the training
    register and documents' review dates count here as on the home page.

    Callers run this with scopes disabled and pass only organisations the user may see.
    """
    from evidence.training import training_summaries
    from registers.services import register_figures_many

    from .models import Approval, Assessment, DocumentLink, EvidenceItem, Response

    today = today or timezone.localdate()
    by_id = {o.pk: o for o in organisations}
    latest = {}
    published_before = Approval.objects.filter(
        organisation_id=OuterRef("organisation_id"), published_on__isnull=False
    )
    for a in (
        Assessment.objects.filter(organisation_id__in=by_id)
        .select_related("catalogue")
        .annotate(org_published=Exists(published_before))
        .order_by("dspt_year")
    ):
        latest[a.organisation_id] = a
    result = {org_id: (latest.get(org_id), None) for org_id in by_id}
    if not latest:
        return result
    assessment_ids = [a.pk for a in latest.values()]
    items = {
        i.pk: i
        for i in EvidenceItem.objects.filter(
            version_id__in={a.catalogue_id for a in latest.values()}
        )
        .select_related("standard")
        .only(
            "level",
            "category",
            "answer_type",
            "na_allowed",
            "sort_key",
            "ref",
            "summary",
            "valid_months",
            "standard__number",
            "standard__name",
        )
    }
    # Plain rows, not model instances: the portfolio reads 25,000 answers for 500 homes,
    # and building a model and a prefetch queryset for each was most of its time. The
    # rows carry exactly what `outcome_from` and `verdict.item_check` read.
    links: dict[int, _Links] = {}
    for response_id, title, due, reviewed in DocumentLink.objects.filter(
        response__assessment_id__in=assessment_ids
    ).values_list(
        "response_id", "document__title", "document__next_review_due", "document__last_reviewed_on"
    ):
        links.setdefault(response_id, _Links()).append(_Link(_Document(title, due, reviewed)))
    responses: dict[int, list] = {}
    for row in (
        Response.objects.filter(assessment_id__in=assessment_ids)
        .annotate(answered=ExpressionWrapper(answered_q(), output_field=BooleanField()))
        .values_list(*_ANSWER_FIELDS, "answered")
        .order_by()
    ):
        r = _Answer(*row[:-1], items[row[2]], links.get(row[0], _NO_LINKS), bool(row[-1]))
        responses.setdefault(r.assessment_id, []).append(r)
    # The training register of every home at once (two queries); each is counted on
    # `today` against its own assessment's deadline.
    deadlines = {org_id: a.deadline for org_id, a in latest.items()}
    training = training_summaries(organisation_ids=list(latest), on=today, deadlines=deadlines)
    # The registers of every home (five queries), when an item
    # they answer is on the checklist.
    registers = (
        register_figures_many(organisation_ids=list(latest), on=today)
        if _registers_needed(i.ref for i in items.values())
        else {}
    )
    for org_id, assessment in latest.items():
        org = by_id[org_id]
        assessment.organisation = org
        rows = sorted(responses.get(assessment.pk, []), key=lambda r: r.item.sort_key)
        outcome = outcome_from(
            rows,
            facts=facts_for(
                assessment,
                today=today,
                training=training.get(org_id),
                registers=registers.get(org_id),
            ),
            previously_published=assessment.previously_published or assessment.org_published,
            catalogue=assessment.catalogue,
        )
        result[org_id] = (assessment, outcome)
    return result
