"""Many homes' headline figures without reading every home's answers (the portfolio, the
platform overview).

Each latest assessment has an `OutcomeSummary` row: the figures `outcome_from` gave on a
day, and a fingerprint of everything that outcome reads. A read asks the fingerprints of
all the homes in five grouped queries (answers: count, versions, last save; document links:
count, newest, the linked documents' last save; the training register: people and their
last save, records and the newest; publications; the assessment and the organisation
themselves), and reuses a summary only when its day is today and its fingerprint matches.
The rest, and only the rest, go through `outcomes_for` and are stored again. Every write
that changes an outcome changes one of these (a response save bumps its version, documents
and people are saved with `updated_at`, links and training records are only added or
deleted), so a change anywhere shows at once, and a new day recomputes (time windows).
Run with scopes disabled, like `outcomes_for`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from .outcome import OutcomeLevel, Progress, _latest_assessments, outcomes_for


@dataclass
class SummaryOutcome:
    """What the portfolio and the platform read of an `Outcome`, from a stored summary."""

    level: OutcomeLevel
    label: str
    next_level: OutcomeLevel | None
    answered_mandatory: int
    total_mandatory: int
    blockers_count: int
    coverage_text: str = ""
    is_partial: bool = False
    by_standard: list[Progress] = field(default_factory=list)
    # The responses that count now (`Outcome.counted`): improvement actions read it.
    counted: frozenset = frozenset()

    @property
    def percent_mandatory_done(self) -> int:
        if not self.total_mandatory:
            return 0
        return round(100 * self.answered_mandatory / self.total_mandatory)

    @property
    def next_label(self) -> str:
        return self.next_level.label if self.next_level else ""


# Part of every fingerprint: a change to what `figures_of` stores makes old rows stale.
FIGURES_VERSION = 2


def figures_of(outcome) -> dict:
    return {
        "level": outcome.level.value,
        "label": outcome.label,
        "next_level": outcome.next_level.value if outcome.next_level else None,
        "answered_mandatory": outcome.answered_mandatory,
        "total_mandatory": outcome.total_mandatory,
        "blockers_count": len(outcome.blockers_for_next),
        "coverage_text": outcome.coverage_text,
        "is_partial": outcome.is_partial,
        "by_standard": [
            [p.key, p.label, p.answered, p.total, p.mandatory_answered, p.mandatory_total]
            for p in outcome.by_standard
        ],
        "counted": sorted(outcome.counted),
    }


def summary_from(figures: dict) -> SummaryOutcome:
    return SummaryOutcome(
        level=OutcomeLevel(figures["level"]),
        label=figures["label"],
        next_level=OutcomeLevel(figures["next_level"]) if figures["next_level"] else None,
        answered_mandatory=figures["answered_mandatory"],
        total_mandatory=figures["total_mandatory"],
        blockers_count=figures["blockers_count"],
        coverage_text=figures["coverage_text"],
        is_partial=figures["is_partial"],
        by_standard=[Progress(*p) for p in figures["by_standard"]],
        counted=frozenset(figures["counted"]),
    )


def _grouped(queryset, key: str, **aggregates) -> dict:
    return {
        row[key]: tuple(row[name] for name in aggregates)
        for row in queryset.order_by().values(key).annotate(**aggregates)
    }


def fingerprints(assessments: list, today: dt.date) -> dict[int, str]:
    """{assessment id: fingerprint of everything its outcome on `today` reads}."""
    from evidence.models import StaffMember, TrainingRecord

    from .models import Approval, DocumentLink, Response

    ids = [a.pk for a in assessments]
    org_ids = [a.organisation_id for a in assessments]
    answers = _grouped(
        Response.objects.filter(assessment_id__in=ids),
        "assessment_id",
        n=Count("id"),
        versions=Sum("version"),
        items=Sum("item_id"),
        saved=Max("updated_at"),
    )
    links = _grouped(
        DocumentLink.objects.filter(response__assessment_id__in=ids),
        "response__assessment_id",
        n=Count("id"),
        newest=Max("id"),
        saved=Max("document__updated_at"),
    )
    staff = _grouped(
        StaffMember.objects.filter(organisation_id__in=org_ids),
        "organisation_id",
        n=Count("id"),
        saved=Max("updated_at"),
    )
    records = _grouped(
        TrainingRecord.objects.filter(organisation_id__in=org_ids),
        "organisation_id",
        n=Count("id"),
        newest=Max("id"),
    )
    published = _grouped(
        Approval.objects.filter(organisation_id__in=org_ids),
        "organisation_id",
        n=Count("id", filter=Q(published_on__isnull=False)),
    )
    result = {}
    for a in assessments:
        org = a.organisation
        parts = (
            FIGURES_VERSION,
            today,
            a.pk,
            a.catalogue_id,
            a.deadline,
            a.previously_published,
            a.updated_at,
            org.updated_at,
            org.cyber_essentials_plus_expires_on,
            answers.get(a.pk),
            links.get(a.pk),
            staff.get(a.organisation_id),
            records.get(a.organisation_id),
            published.get(a.organisation_id),
        )
        result[a.pk] = hashlib.sha256(repr(parts).encode()).hexdigest()
    return result


def summaries_for(organisations: list, *, today: dt.date | None = None) -> dict:
    """{organisation id: (latest assessment or None, SummaryOutcome or None)}: the figures
    of `outcomes_for`, computed again only for homes whose inputs changed (or a new day).
    A constant number of queries when nothing changed."""
    from .models import OutcomeSummary

    today = today or timezone.localdate()
    by_id = {o.pk: o for o in organisations}
    latest = {}
    for a in _latest_assessments(list(by_id)):
        a.organisation = by_id[a.organisation_id]  # already loaded: no join, no second copy
        latest[a.organisation_id] = a
    result = {org_id: (latest.get(org_id), None) for org_id in by_id}
    if not latest:
        return result
    prints = fingerprints(list(latest.values()), today)
    kept = {
        s.pk: s for s in OutcomeSummary.objects.filter(assessment_id__in=prints, computed_on=today)
    }
    stale = []
    for org_id, assessment in latest.items():
        summary = kept.get(assessment.pk)
        if summary is not None and summary.inputs == prints[assessment.pk]:
            result[org_id] = (assessment, summary_from(summary.figures))
        else:
            stale.append(by_id[org_id])
    if stale:
        fresh = []
        for org_id, (assessment, outcome) in outcomes_for(stale, today=today).items():
            figures = figures_of(outcome)
            result[org_id] = (latest[org_id], summary_from(figures))
            fresh.append(
                OutcomeSummary(
                    assessment_id=assessment.pk,
                    organisation_id=org_id,
                    computed_on=today,
                    inputs=prints[assessment.pk],
                    figures=figures,
                )
            )
        OutcomeSummary.objects.bulk_create(
            sorted(fresh, key=lambda s: s.assessment_id),  # one lock order for every writer
            update_conflicts=True,
            unique_fields=["assessment"],
            update_fields=["computed_on", "inputs", "figures"],
        )
    return result
