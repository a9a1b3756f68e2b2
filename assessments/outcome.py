"""The projected DSPT outcome of an assessment (docs/dspt-rules.md §3), as pure functions.

- Approaching Standards: every `approaching_standards` item answered (and, at publication,
  an improvement plan for the rest; the toolkit checks that, we only remind).
- Standards Met: every `approaching_standards` and `standards_met` item answered.
- Standards Exceeded: Standards Met and a current Cyber Essentials Plus certificate.
  Answering optional items never gives Standards Exceeded.
- Otherwise "not yet".

"Answered" is `Response.is_answered`: a valid answer of the item's type, or "not
applicable" with a reason where the item allows it. The workflow status (even "done")
is the team's own tracking and never counts.

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
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from .models import Category, Level


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

    @property
    def percent_mandatory_done(self) -> int:
        if not self.total_mandatory:
            return 0
        return round(100 * self.answered_mandatory / self.total_mandatory)

    @property
    def next_label(self) -> str:
        return self.next_level.label if self.next_level else ""

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
    has_cyber_essentials_plus: bool,
    previously_published: bool = False,
) -> Outcome:
    """The outcome of these responses (each with `item`, `item.standard` loaded). No queries
    beyond `response.document_links`, which callers prefetch."""
    responses = list(responses)
    answered = {r.pk: r.is_answered for r in responses}
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
    else:
        level = OutcomeLevel.EXCEEDED if has_cyber_essentials_plus else OutcomeLevel.MET
    next_level = _next(level)
    outcome = Outcome(
        level=level,
        label=level.label,
        next_level=next_level,
        blockers_for_next=missing.get(next_level, []),
        needs_cyber_essentials_plus=level == OutcomeLevel.MET,
        missing_for_met=missing[OutcomeLevel.MET],
        previously_published=previously_published,
        total_all=len(responses),
        answered_all=sum(answered.values()),
    )
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
    return outcome


def responses_for_outcome(assessment):
    """The queryset `outcome_from` needs, in toolkit order (three queries when evaluated)."""
    return (
        assessment.responses.select_related("item", "item__standard")
        .prefetch_related("document_links")
        .order_by("item__sort_key")
    )


def has_published_before(assessment) -> bool:
    from .models import Approval

    if assessment.previously_published:
        return True
    return Approval.objects.filter(
        organisation_id=assessment.organisation_id, published_on__isnull=False
    ).exists()


def assessment_outcome(
    assessment,
    responses: Iterable | None = None,
    *,
    previously_published: bool | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """The projected outcome of `assessment`. Pass `responses` already loaded (with `item`,
    `item.standard` and prefetched `document_links`) to avoid loading them again."""
    if responses is None:
        responses = responses_for_outcome(assessment)
    if previously_published is None:
        previously_published = has_published_before(assessment)
    return outcome_from(
        responses,
        has_cyber_essentials_plus=assessment.organisation.has_current_cyber_essentials_plus(today),
        previously_published=previously_published,
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


def outcomes_for(organisations: list, *, today: dt.date | None = None) -> dict:
    """{organisation id: (latest assessment or None, its Outcome or None)} in four queries,
    whatever the number of organisations (the portfolio, reminders, reports use it).

    The database says which items are answered (`answered_q`); no response is loaded as a
    model. Callers run this with scopes disabled and pass only organisations the user may see.
    """
    from .models import Approval, EvidenceItem, Response

    today = today or timezone.localdate()
    by_id = {o.pk: o for o in organisations}
    latest = {a.organisation_id: a for a in _latest_assessments(list(by_id))}
    result = {org_id: (latest.get(org_id), None) for org_id in by_id}
    if not latest:
        return result
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
            "standard__number",
            "standard__name",
        )
    }
    answers: dict[int, list[Answered]] = {}
    for pk, assessment_id, item_id, answered in (
        Response.objects.filter(assessment_id__in=[a.pk for a in latest.values()])
        .annotate(answered=ExpressionWrapper(answered_q(), output_field=BooleanField()))
        .values_list("pk", "assessment_id", "item_id", "answered")
        .order_by()
    ):
        answers.setdefault(assessment_id, []).append(Answered(pk, items[item_id], bool(answered)))
    published = set(
        Approval.objects.filter(organisation_id__in=by_id, published_on__isnull=False)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for org_id, assessment in latest.items():
        org = by_id[org_id]
        assessment.organisation = org
        rows = sorted(answers.get(assessment.pk, []), key=lambda r: r.item.sort_key)
        outcome = outcome_from(
            rows,
            has_cyber_essentials_plus=org.has_current_cyber_essentials_plus(today),
            previously_published=assessment.previously_published or org_id in published,
        )
        result[org_id] = (assessment, outcome)
    return result


def outcome_level_counts(*, today: dt.date | None = None) -> dict[str, int]:
    """How many organisations stand at each outcome ("not_started": no assessment yet), for
    the platform overview: three queries, one row per organisation, no response in Python.

    The same levels `outcome_from` gives: anything needed for Standards Met unanswered is
    Approaching Standards when only Standards Met items are open, else "not yet"; nothing
    open is Standards Met, or Exceeded with a current Cyber Essentials Plus certificate.
    """
    from organisations.models import Organisation

    from .models import Level, Response

    today = today or timezone.localdate()
    latest = dict(
        _latest_assessments(Organisation.objects.values("pk")).values_list("pk", "organisation_id")
    )
    answered = answered_q()
    approaching = Q(item__level=Level.APPROACHING)
    needed = Q(item__level__in=[Level.APPROACHING, Level.MET])
    open_items = {
        row["assessment_id"]: row
        for row in Response.objects.filter(assessment_id__in=latest)
        .values("assessment_id")
        .annotate(
            approaching=Count("pk", filter=approaching),
            approaching_done=Count("pk", filter=approaching & answered),
            needed=Count("pk", filter=needed),
            needed_done=Count("pk", filter=needed & answered),
        )
        .order_by()
    }
    plus = set(
        Organisation.objects.filter(cyber_essentials_plus_expires_on__gte=today).values_list(
            "pk", flat=True
        )
    )
    counts = {"not_started": Organisation.objects.count() - len(latest)}
    for assessment_id, organisation_id in latest.items():
        row = open_items.get(assessment_id)
        if row and row["needed_done"] < row["needed"]:
            level = (
                OutcomeLevel.APPROACHING
                if row["approaching_done"] == row["approaching"]
                else OutcomeLevel.NOT_YET
            )
        else:
            level = OutcomeLevel.EXCEEDED if organisation_id in plus else OutcomeLevel.MET
        counts[level.value] = counts.get(level.value, 0) + 1
    return counts
