"""The read models behind the dashboards: the home page, the portfolio, the platform view.

Reads only. Two ways to the projected outcome, and they must agree:
- one home: `assessments.outcome.assessment_outcome` (what the assessment pages show);
- many homes: `assessments.outcome.outcomes_for(organisations)` loads every home's answers
  in a constant number of queries and hands them to the same `outcome_from`.

"Current assessment" is the organisation's latest DSPT year, as on the assessment pages.

Overdue improvement actions come from `ImprovementAction.objects.overdue()`, less those
whose items now count in the outcome (`assessments.plans.action_met`): they can be closed,
and are no longer overdue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from assessments.checks import assessment_warnings
from assessments.models import (
    Approval,
    ImprovementAction,
    Level,
    PublishedOutcome,
)
from assessments.outcome import (
    OutcomeLevel,
    assessment_outcome,
    links_with_documents,
    training_for,
)
from assessments.plans import action_met
from assessments.summaries import summaries_for
from dspt_portal.dates import add_years
from dspt_portal.deadlines import dspt_deadline, dspt_year_label
from evidence.models import Document, DocumentKind, TrainingRecord
from organisations.activity import sentence as activity_sentence
from organisations.models import ActivityLog, Organisation
from registers.changes import YearChanges
from registers.services import home_registers

# Activity that says nothing about compliance work (sign-ins, our own reminders) is left
# out of "recent activity" and "last activity".
QUIET_ACTIONS = ("user.", "reminder.")
NEXT_ITEMS_SHOWN = 5


# ---------------------------------------------------------------- the DSPT year


def year_start(deadline: dt.date) -> dt.date:
    """A DSPT year runs from 1 July to its 30 June deadline."""
    return dt.date(deadline.year - 1, 7, 1)


def expected_percent(today: dt.date, deadline: dt.date) -> int:
    """Where a home should be on a straight line from 1 July (0%) to 30 June (100%)."""
    start = year_start(deadline)
    total = (deadline - start).days
    done = (today - start).days
    return max(0, min(100, round(100 * done / total))) if total > 0 else 100


# ---------------------------------------------------------------- improvement plans


def overdue_actions(organisation_ids: list[int], today: dt.date) -> QuerySet:
    """Open improvement actions past their target date (met or not: see `still_overdue`)."""
    return (
        ImprovementAction.objects.overdue(on=today)
        .filter(organisation_id__in=organisation_ids)
        .order_by("target_date")
        .prefetch_related("items")
    )


# ---------------------------------------------------------------- publication


@dataclass(frozen=True)
class Publication:
    """The latest publication on the national toolkit and when it must be renewed.

    A publication is valid for 12 months (docs/dspt-rules.md §4): republish by the same day
    a year later (`dspt_portal.dates.add_years`, 28 February for 29 February).
    """

    published_on: dt.date
    outcome_label: str
    today: dt.date

    @property
    def republish_by(self) -> dt.date:
        return add_years(self.published_on, 1)

    @property
    def out_of_date(self) -> bool:
        return self.today >= self.republish_by

    @property
    def days_to_republish(self) -> int:
        return (self.republish_by - self.today).days

    @property
    def text(self) -> str:
        """'Published on 12 April 2026 as Standards Met; republish by 12 April 2027'."""
        return (
            f"Published on {date_format(self.published_on, 'j F Y')} as {self.outcome_label}; "
            f"republish by {date_format(self.republish_by, 'j F Y')}"
        )


def _publications_newest_first():
    return Approval.objects.filter(published_on__isnull=False).order_by(
        "-published_on", "-approved_at", "-pk"
    )


def latest_publications(organisation_ids, today: dt.date) -> dict[int, Publication]:
    """Each organisation's most recent publication recorded in the portal (one query)."""
    found: dict[int, Publication] = {}
    rows = (
        _publications_newest_first()
        .filter(organisation_id__in=organisation_ids)
        .values_list("organisation_id", "published_on", "published_outcome")
    )
    for org_id, published_on, outcome in rows:
        if org_id not in found:
            found[org_id] = publication_from(published_on, outcome, today)
    return found


_PUBLISHED_LABELS = dict(PublishedOutcome.choices)


def publication_from(published_on: dt.date, outcome: str, today: dt.date) -> Publication:
    return Publication(published_on, _PUBLISHED_LABELS.get(outcome, outcome or "recorded"), today)


def latest_publication_subqueries(organisation) -> dict:
    """Annotations giving each organisation (`organisation`: an OuterRef to its id) its most
    recent publication's day and outcome, as `latest_publications` reads them."""
    latest = _publications_newest_first().filter(organisation_id=organisation)
    return {
        "row_published_on": Subquery(latest.values("published_on")[:1]),
        "row_published_outcome": Subquery(latest.values("published_outcome")[:1]),
    }


def still_overdue(actions, counted_by_org: dict[int, frozenset]) -> list:
    """`actions` less those whose items now count in their organisation's outcome."""
    return [
        a for a in actions if not action_met(a, counted_by_org.get(a.organisation_id, frozenset()))
    ]


# ---------------------------------------------------------------- outcomes in bulk


def current_assessment(organisation: Organisation):
    return organisation.assessments.select_related("catalogue").order_by("-dspt_year").first()


def deadline_for(assessment, today: dt.date) -> dt.date:
    """The assessment's own deadline while it is ahead, else the next 30 June.

    After 30 June the latest assessment belongs to a finished year: the countdown moves on
    to the next deadline, and the home page asks for the new year's assessment.
    """
    if assessment is not None and assessment.deadline >= today:
        return assessment.deadline
    return dspt_deadline(today)


def outcome_key(outcome) -> str:
    """The outcome as a filter value; 'not_started' when there is no assessment."""
    return outcome.level.value if outcome is not None else "not_started"


# Organisations per summaries_for call on the platform overview: memory stays bounded
# (one chunk's answers at a time) whatever the number of organisations.
OUTCOME_COUNT_CHUNK = 500


def outcome_counts(today: dt.date) -> dict[str, int]:
    """How many organisations stand at each outcome (the same outcome as the home page and
    the portfolio), a chunk of organisations at a time, by keyset. Run unscoped."""
    counts = {key: 0 for key, _ in OUTCOME_CHOICES}
    last = 0
    while True:
        chunk = list(Organisation.objects.filter(pk__gt=last).order_by("pk")[:OUTCOME_COUNT_CHUNK])
        if not chunk:
            return counts
        for _assessment, outcome in summaries_for(chunk, today=today).values():
            counts[outcome_key(outcome)] += 1
        last = chunk[-1].pk


# The outcome's own levels (assessments.outcome), plus a home that has not started.
OUTCOME_CHOICES = [("not_started", "No assessment yet"), *OutcomeLevel.choices]
OUTCOME_LABELS = dict(OUTCOME_CHOICES)
# Colour goes with the words, never instead of them.
OUTCOME_TAGS = {
    "not_started": "tag--neutral",
    OutcomeLevel.NOT_YET.value: "tag--bad",
    OutcomeLevel.APPROACHING.value: "tag--warn",
    OutcomeLevel.MET.value: "tag--ok",
    OutcomeLevel.EXCEEDED.value: "tag--ok",
}


def loud(qs: QuerySet) -> QuerySet:
    """`qs` (activity) less the quiet actions (`QUIET_ACTIONS`)."""
    quiet = Q()
    for prefix in QUIET_ACTIONS:
        quiet |= Q(action__startswith=prefix)
    return qs.exclude(quiet)


class _Items(list):
    def all(self) -> list:
        return self


@dataclass(frozen=True, slots=True)
class _ActionRow:
    """What `action_met` reads of an action (its status and its items' responses), from
    plain rows: the portfolio counts hundreds of homes' actions."""

    status: str
    items: _Items


@dataclass(frozen=True, slots=True)
class _Item:
    response_id: int


def overdue_action_counts(
    organisation_ids, today: dt.date, counted_for: Callable[[int], frozenset] | None = None
) -> dict[int, int]:
    """{organisation id: overdue actions whose items are not met yet} (one query, plain
    rows: each action with its items' responses; the same rule as the home page:
    `assessments.plans.action_met`). `counted_for` gives an organisation's counted
    responses (`Outcome.counted`); it is asked only for the organisations that have
    overdue actions, once each."""
    counted_of: dict[int, frozenset] = {}
    actions = (
        ImprovementAction.objects.overdue(on=today)
        .filter(organisation_id__in=organisation_ids)
        .order_by()
    )
    found: dict[int, tuple[int, str]] = {}
    items: dict[int, _Items] = {}
    # One row per item (an action without items: one row, response None).
    for pk, org_id, status, response_id in actions.values_list(
        "pk", "organisation_id", "status", "items__response_id"
    ):
        if pk not in found:
            found[pk] = (org_id, status)
            items[pk] = _Items()
        if response_id is not None:
            items[pk].append(_Item(response_id))
    counts: dict[int, int] = {}
    for pk, (org_id, status) in found.items():
        if org_id not in counted_of:
            counted_of[org_id] = counted_for(org_id) if counted_for else frozenset()
        if not action_met(_ActionRow(status, items[pk]), counted_of[org_id]):
            counts[org_id] = counts.get(org_id, 0) + 1
    return counts


# ---------------------------------------------------------------- getting started

# Core policies (the guide's pre-assessment checklist), detected from document titles:
# a document counts when it has an uploaded file or says where it is held. Matching is on
# the title because the kind list has no "DPIA" or "acceptable use"; training evidence
# also counts as a "training record" document or any entry on the training register.
CORE_POLICIES = [
    (
        "dpia",
        "DPIA (data protection impact assessment)",
        re.compile(r"\bDPIA|impact assessment", re.I),
    ),
    (
        "data_protection",
        "Data protection and confidentiality policy",
        re.compile(r"data protection|confidential|GDPR|privacy", re.I),
    ),
    (
        "ig",
        "Information governance or acceptable use policy",
        re.compile(r"information governance|\bIG\b|acceptable use|data security|IT use", re.I),
    ),
    ("training", "Staff training evidence", re.compile(r"training|e-?learning|course", re.I)),
]


def core_policies_missing(organisation: Organisation) -> list[str]:
    """The labels of core policies not yet in the evidence library (two queries)."""
    found = set()
    documents = (
        Document.objects.filter(organisation=organisation)
        .active()
        .filter(Q(versions__isnull=False) | ~Q(location=""))
        .values_list("title", "kind")
        .distinct()
    )
    for title, kind in documents:
        if kind == DocumentKind.TRAINING_RECORD:
            found.add("training")
        # First match wins, so "Data protection impact assessment" is a DPIA, not the policy.
        for key, _label, pattern in CORE_POLICIES:
            if pattern.search(title):
                found.add(key)
                break
    if (
        "training" not in found
        and TrainingRecord.objects.filter(organisation=organisation).exists()
    ):
        found.add("training")
    return [label for key, label, _ in CORE_POLICIES if key not in found]


@dataclass
class Step:
    label: str
    done: bool
    url_name: str
    detail: str = ""


def getting_started_steps(organisation: Organisation, *, assessment=None) -> list[Step]:
    """The pre-assessment checklist, each step ticked from the data."""
    missing_people = [
        name
        for name, present in (
            ("IG lead", organisation.ig_lead_id),
            ("DPO or person responsible for data protection", organisation.dpo_name.strip()),
            ("senior accountable person", organisation.senior_accountable_person_id),
        )
        if not present
    ]
    missing_policies = core_policies_missing(organisation)
    team = organisation.memberships.count() > 1 or organisation.invitations.pending().exists()
    return [
        Step("Enter your ODS code", bool(organisation.ods_code), "organisations:settings"),
        Step(
            "Name your key people",
            not missing_people,
            "organisations:settings",
            f"Still to name: {', '.join(missing_people)}." if missing_people else "",
        ),
        Step(
            "Add your core policies to the evidence library",
            not missing_policies,
            "evidence:document_create",
            f"Still to add: {', '.join(missing_policies)}." if missing_policies else "",
        ),
        Step("Invite your team", team, "organisations:members"),
        Step("Start your assessment", assessment is not None, "assessments:index"),
    ]


# ---------------------------------------------------------------- recent activity


def recent_activity(organisation: Organisation, limit: int = 8) -> list[tuple[ActivityLog, str]]:
    entries = loud(ActivityLog.objects.filter(organisation=organisation)).select_related("actor")
    return [(e, activity_sentence(e)) for e in entries[:limit]]


# ---------------------------------------------------------------- the home page


@dataclass
class HomeDashboard:
    today: dt.date
    deadline: dt.date
    assessment: object | None = None
    outcome: object | None = None
    next_items: list = field(default_factory=list)
    documents_due: list = field(default_factory=list)
    actions_overdue: list | None = None
    # Open actions of this year's plan whose items now count: close them on the plan page.
    actions_met: int = 0
    warnings: list | None = None
    warnings_total: int = 0
    activity: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    # Breaches with no reporting decision yet: their 72-hour clock comes before anything.
    breaches_open: list = field(default_factory=list)
    now: dt.datetime | None = None
    # Subject access requests overdue or due within a week.
    sars_due: list = field(default_factory=list)
    publication: Publication | None = None
    # Register entries added or changed since the publication (or 1 July).
    changes: YearChanges | None = None

    @property
    def is_locked(self) -> bool:
        """Waiting for approval, approved or published: nothing to answer until it reopens."""
        return self.assessment is not None and self.assessment.is_locked

    @property
    def days_to_deadline(self) -> int:
        return (self.deadline - self.today).days

    @property
    def year_label(self) -> str:
        return dspt_year_label(self.deadline.year)

    @property
    def assessment_is_old(self) -> bool:
        """The latest assessment is for a year whose deadline has passed."""
        return self.assessment is not None and self.assessment.deadline < self.today

    @property
    def expected_percent(self) -> int:
        return expected_percent(self.today, self.deadline)

    @property
    def behind_schedule(self) -> bool:
        done = self.outcome.percent_mandatory_done if self.outcome else 0
        return done < self.expected_percent

    @property
    def outcome_key(self) -> str:
        return outcome_key(self.outcome)

    @property
    def outcome_tag(self) -> str:
        return OUTCOME_TAGS[self.outcome_key]

    @property
    def getting_started_done(self) -> bool:
        return all(step.done for step in self.steps)


def next_items(responses: list, limit: int = NEXT_ITEMS_SHOWN) -> list:
    """The unanswered items that most move the outcome: Approaching Standards first, then
    Standards Met, in toolkit order. Optional items never change the outcome."""
    rank = {Level.APPROACHING: 0, Level.MET: 1}
    open_ = [r for r in responses if r.item.level in rank and not r.is_answered]
    open_.sort(key=lambda r: (rank[r.item.level], r.item.sort_key))
    return open_[:limit]


def _warnings(assessment, responses, today, training=None) -> tuple[list | None, int]:
    """[(response, [AnswerWarning])] for the first few responses with warnings, and the total."""
    found = assessment_warnings(assessment, responses, today=today, training=training)
    listed = [(r, found[r.pk]) for r in responses if r.pk in found]
    return listed[:NEXT_ITEMS_SHOWN], sum(len(w) for w in found.values())


def home_dashboard(organisation: Organisation, *, today: dt.date | None = None) -> HomeDashboard:
    """Everything the organisation home page shows, in a constant number of queries."""
    today = today or timezone.localdate()
    assessment = current_assessment(organisation)
    board = HomeDashboard(today=today, deadline=deadline_for(assessment, today))
    board.assessment = assessment
    board.steps = getting_started_steps(organisation, assessment=assessment)
    # Read before the outcome: a publication recorded here means Approaching Standards
    # cannot be published again (`outcome.has_published_before`, without asking again).
    board.publication = latest_publications([organisation.pk], today).get(organisation.pk)
    # Each register read once for the outcome's figures, what changed, breaches and requests.
    registers = home_registers(
        organisation=organisation,
        last_published_on=board.publication.published_on if board.publication else None,
        today=today,
    )
    board.changes = registers.changes
    board.breaches_open = registers.breaches_open
    board.sars_due = registers.sars_due
    if assessment is not None:
        assessment.organisation = organisation
        responses = list(
            assessment.responses.select_related("item", "item__standard")
            .prefetch_related(links_with_documents())
            .order_by("item__sort_key")
        )
        training = training_for(assessment, responses, today)  # outcome and checks
        board.outcome = assessment_outcome(
            assessment,
            responses,
            previously_published=assessment.previously_published or board.publication is not None,
            today=today,
            training=training,
            registers=registers.figures,
        )
        if not assessment.is_locked:
            board.next_items = next_items(responses)
            board.warnings, board.warnings_total = _warnings(assessment, responses, today, training)
    board.documents_due = list(
        Document.objects.filter(organisation=organisation)
        .active()
        .due_for_review(today)[:NEXT_ITEMS_SHOWN]
    )
    counted = board.outcome.counted if board.outcome else frozenset()
    # Every open action of the organisation at once (two queries): the overdue ones, and
    # this year's plan's that can be closed because their items now count.
    open_actions = list(
        ImprovementAction.objects.filter(organisation=organisation)
        .open()
        .select_related("owner")
        .prefetch_related("items")
        .order_by("target_date", "pk")
    )
    board.actions_overdue = still_overdue(
        [a for a in open_actions if a.is_overdue(today)], {organisation.pk: counted}
    )[:NEXT_ITEMS_SHOWN]
    if assessment is not None:
        board.actions_met = sum(
            action_met(a, counted) for a in open_actions if a.assessment_id == assessment.pk
        )
    board.activity = recent_activity(organisation)
    board.now = timezone.now()
    return board
