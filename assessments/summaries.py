"""Many homes' headline figures without reading every home's answers (the portfolio, the
platform overview).

Each latest assessment has an `OutcomeSummary` row: the figures `outcome_from` gave on a
day, and a fingerprint of everything that outcome reads. The fingerprint is worked out from
rows read anyway (the assessment, the organisation) and the organisation's `OutcomeInputs`
stamp, which every write to the rest changes in its own transaction: answers and N/A,
document links, documents (review dates, titles), the training register (people and
records), the registers the verdict reads (breaches, IT assets, suppliers, information
assets, continuity tests) and publications (`assessments.receivers` for model saves and
deletes; `inputs_changed` directly where a writer bulk-creates). So a read is two queries
(the latest assessments with their stamps, the summaries) whatever the number of homes,
and reuses a summary only when its day is today and its fingerprint matches; the rest, and
only the rest, go through `outcomes_for` and are stored again. A change anywhere shows at
once, and a new day recomputes (time windows, review dates passing).

A writer outside the ORM (COPY, raw SQL, `QuerySet.update` of a field the outcome reads)
must call `inputs_changed` for each organisation it touched, or the portfolio shows those
homes' earlier figures until the next day. (The bench seeds by COPY before any summary
exists, so it needs none.) Run with scopes disabled, like `outcomes_for`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

from django.db.models import Func, JSONField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone
from django_scopes import scopes_disabled

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
    # As stored (`figures_of`): made into objects only when read. The portfolio reads the
    # standards of one page of homes and the counted responses of homes with overdue
    # actions, not those of every home.
    standard_rows: list = field(default_factory=list)
    counted_runs: list = field(default_factory=list)

    @cached_property
    def by_standard(self) -> list[Progress]:
        rows = self.standard_rows
        return [Progress(*p) for p in (rows.value if isinstance(rows, StoredJson) else rows)]

    @cached_property
    def counted(self) -> frozenset:
        """The responses that count now (`Outcome.counted`): improvement actions read it."""
        return _ids(self.counted_runs)

    @property
    def percent_mandatory_done(self) -> int:
        if not self.total_mandatory:
            return 0
        return round(100 * self.answered_mandatory / self.total_mandatory)

    @property
    def next_label(self) -> str:
        return self.next_level.label if self.next_level else ""


# What the callers (portfolio rows, the platform, reminders) and the fingerprint read of an
# assessment: the rest is never loaded for hundreds of homes.
ASSESSMENT_FIELDS = (
    "organisation_id",
    "catalogue_id",
    "dspt_year",
    "deadline",
    "status",
    "previously_published",
    "updated_at",
    "revision",
)

# Part of every fingerprint: a change to what `figures_of` stores makes old rows stale.
FIGURES_VERSION = 4


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
        "counted": _runs(outcome.counted),
    }


def _runs(ids) -> list[list[int]]:
    """[[first, last], ...]: sorted ids as runs of consecutive numbers. An assessment's
    responses are created together, so its counted ids are a few runs, not fifty numbers
    (the portfolio decodes 500 of these a request)."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and runs[-1][1] == pk - 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def _ids(runs) -> frozenset:
    return frozenset(chain.from_iterable(range(first, last + 1) for first, last in runs))


class StoredJson:
    """A stored JSON value read as text, decoded when first read: the portfolio reads the
    standards of one page of homes, and decoding every home's was a tenth of the page.
    Equal to its decoded value (a summary from the database equals one made afresh)."""

    __slots__ = ("text", "_value")

    def __init__(self, text: str):
        self.text = text

    @property
    def value(self):
        if not hasattr(self, "_value"):
            self._value = json.loads(self.text)
        return self._value

    def __eq__(self, other):
        return self.value == (other.value if isinstance(other, StoredJson) else other)

    __hash__ = None


class _WithoutStandards(Func):
    """The stored figures less `by_standard` (read apart, as text: `StoredJson`)."""

    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - 'by_standard')")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="json_remove(%(expressions)s, '$.by_standard')"
        )


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
        standard_rows=figures["by_standard"],
        counted_runs=figures["counted"],
    )


def inputs_changed(organisation_id: int) -> None:
    """Something `organisation_id`'s outcome reads has changed: give its `OutcomeInputs` a
    new stamp, in the caller's transaction (so the stamp commits with the change, and a
    summary computed from the old data no longer matches). Called from the receivers for
    every model save and delete, and by the writers that bypass them (bulk creates)."""
    from .models import OutcomeInputs

    with scopes_disabled():
        OutcomeInputs.objects.bulk_create(
            [OutcomeInputs(organisation_id=organisation_id, stamp=uuid.uuid4().hex)],
            update_conflicts=True,
            unique_fields=["organisation"],
            update_fields=["stamp"],
        )


def fingerprint(assessment, today: dt.date) -> str:
    """The fingerprint of everything `assessment`'s outcome on `today` reads: its own row
    and its organisation's (deadline, checklist, Cyber Essentials Plus...), and the stamp
    of everything else (`inputs_stamp`, read before any of the data the outcome reads)."""
    org = assessment.organisation
    parts = (
        FIGURES_VERSION,
        today,
        assessment.pk,
        assessment.catalogue_id,
        assessment.deadline,
        assessment.previously_published,
        assessment.updated_at,
        org.updated_at,
        org.cyber_essentials_plus_expires_on,
        assessment.inputs_stamp,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def summaries_for(organisations: list, *, today: dt.date | None = None) -> dict:
    """{organisation id: (latest assessment or None, SummaryOutcome or None)}: the figures
    of `outcomes_for`, computed again only for homes whose inputs changed (or a new day).
    Two queries when nothing changed, whatever the number of homes."""
    from .models import OutcomeInputs, OutcomeSummary

    today = today or timezone.localdate()
    by_id = {o.pk: o for o in organisations}
    latest = {}
    stamps = OutcomeInputs.objects.filter(organisation_id=OuterRef("organisation_id"))
    # The stamps are read in this first query, before anything the outcome reads: a change
    # committed after it has a newer stamp, so figures computed from it are never kept.
    for a in (
        _latest_assessments(list(by_id))
        .only(*ASSESSMENT_FIELDS)
        .annotate(inputs_stamp=Subquery(stamps.values("stamp")[:1]))
    ):
        a.organisation = by_id[a.organisation_id]  # already loaded: no join, no second copy
        latest[a.organisation_id] = a
    result = {org_id: (latest.get(org_id), None) for org_id in by_id}
    if not latest:
        return result
    prints = {a.pk: fingerprint(a, today) for a in latest.values()}
    rows = OutcomeSummary.objects.filter(assessment_id__in=prints, computed_on=today)
    # Plain rows, not model instances: only the fingerprint and the figures are read.
    kept = {
        pk: (inputs, {**figures, "by_standard": StoredJson(standards)})
        for pk, inputs, figures, standards in rows.values_list(
            "assessment_id", "inputs", _WithoutStandards("figures"), KT("figures__by_standard")
        )
    }
    stale = []
    for org_id, assessment in latest.items():
        inputs, figures = kept.get(assessment.pk, (None, None))
        if inputs is not None and inputs == prints[assessment.pk]:
            result[org_id] = (assessment, summary_from(figures))
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
