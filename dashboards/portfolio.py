"""The consultant portfolio: every home a user advises (and a head office's sites), one row
each, filtered, sorted and exported; plus the reminder to the selected homes' IG leads.

Whose homes: organisations where the user is a consultant, and for an admin of a head office,
that head office and all its sites (`Organisation.parent`). The rows are computed with a
constant number of queries whatever the number of homes, from each home's stored summary
(`assessments.summaries`), computed again only for the homes whose answers changed.

"Behind schedule": the share of mandatory items answered is below the straight line from
1 July (0%) to the 30 June deadline (100%). A home with no assessment is behind as soon as
the year has started.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments.outcome import outcomes_for
from assessments.summaries import summaries_for
from dspt_portal.spreadsheet_text import plain_cell
from evidence.models import Document
from organisations.models import ActivityLog, Membership, Organisation, Role
from organisations.services import activity_record
from outbox.services import email_queue

from . import read_models

REMINDER_ACTION = "reminder.requested"


def portfolio_organisations(user) -> QuerySet:
    """The homes in the user's portfolio (Membership is not scoped, so no scope is needed)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    # The joins pick ids; the rows are read once each by id (no DISTINCT over whole rows).
    ids = Organisation.objects.filter(
        Q(memberships__user=user, memberships__role=Role.CONSULTANT)
        | Q(parent__memberships__user=user, parent__memberships__role=Role.ADMIN)
        | Q(memberships__user=user, memberships__role=Role.ADMIN, sites__isnull=False)
    ).values("pk")
    return Organisation.objects.filter(pk__in=ids)


def has_portfolio(user) -> bool:
    """Whether `portfolio_organisations(user)` has any home, asked of the user's own
    memberships (an index lookup, whatever the number of organisations): a consultant of
    any home, or an admin of a head office that has sites."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.filter(user=user)
        .filter(
            Q(role=Role.CONSULTANT)
            | Q(
                Exists(Organisation.objects.filter(parent_id=OuterRef("organisation_id"))),
                role=Role.ADMIN,
            )
        )
        .exists()
    )


def request_has_portfolio(request) -> bool:
    """`has_portfolio` for the signed-in user, asked once per request (header and page)."""
    if not hasattr(request, "_has_portfolio"):
        user = getattr(request, "user", None)
        request._has_portfolio = user is not None and has_portfolio(user)
    return request._has_portfolio


# A locked assessment asks nothing of the team; the portfolio says where it stands instead.
LOCKED_REASONS = {
    "awaiting_approval": "Waiting for approval",
    "approved": "Approved, not yet recorded as published",
    "published": "Answers locked",
}


@dataclass
class PortfolioRow:
    """One home's row. Made once per request and not changed after, so what the sort, the
    counts and the template each read again (`why`, `behind_schedule`) is worked out once."""

    organisation: Organisation
    assessment: object | None
    outcome: object | None
    deadline: dt.date
    today: dt.date
    is_member: bool = False
    documents_overdue: int = 0
    actions_overdue: int | None = None
    last_activity: dt.datetime | None = None
    reminded_today: bool = False
    publication: read_models.Publication | None = None

    @cached_property
    def standards(self) -> dict:
        """{standard key: Progress}, for the heat grid: read only for the page's rows."""
        return {p.key: p for p in self.outcome.by_standard} if self.outcome else {}

    @property
    def is_locked(self) -> bool:
        """Waiting for approval, approved or published: its answers cannot change."""
        return self.assessment is not None and self.assessment.is_locked

    @property
    def outcome_key(self) -> str:
        return read_models.outcome_key(self.outcome)

    @property
    def outcome_label(self) -> str:
        # The outcome's own label ("Standards Met — Exceeded lapses on ..."), as on the home page.
        return self.outcome.label if self.outcome else read_models.OUTCOME_LABELS[self.outcome_key]

    @property
    def outcome_tag(self) -> str:
        return read_models.OUTCOME_TAGS[self.outcome_key]

    @property
    def outcome_rank(self) -> int:
        return [k for k, _ in read_models.OUTCOME_CHOICES].index(self.outcome_key)

    @property
    def percent_done(self) -> int:
        return self.outcome.percent_mandatory_done if self.outcome else 0

    @property
    def blockers(self) -> int:
        return self.outcome.blockers_count if self.outcome else 0

    @property
    def days_to_deadline(self) -> int:
        return (self.deadline - self.today).days

    @cached_property
    def expected_percent(self) -> int:
        return read_models.expected_percent(self.today, self.deadline)

    @cached_property
    def behind_schedule(self) -> bool:
        if self.is_locked and self.assessment.deadline >= self.today:
            return False  # answered and sent on: nothing left to catch up
        return self.percent_done < self.expected_percent

    @property
    def has_overdue(self) -> bool:
        return bool(self.documents_overdue or self.actions_overdue)

    @cached_property
    def why(self) -> str:
        """Why a home needs attention, in a few words (the consultant's five-second read)."""
        if self.outcome is None:
            return "No assessment started"
        reasons = []
        if self.assessment.deadline < self.today:
            reasons.append(f"Latest assessment is for {self.assessment.year_label}")
        if self.is_locked:
            reasons.append(LOCKED_REASONS[self.assessment.status])
        if self.behind_schedule:
            reasons.append(f"{self.percent_done}% done, {self.expected_percent}% expected by now")
        if self.outcome.next_level and self.blockers and not self.is_locked:
            reasons.append(
                f"{self.blockers} item{'s' if self.blockers != 1 else ''} "
                f"to {self.outcome.next_label}"
            )
        if self.documents_overdue:
            reasons.append(
                f"{self.documents_overdue} document review"
                f"{'s' if self.documents_overdue != 1 else ''} overdue"
            )
        if self.actions_overdue:
            reasons.append(
                f"{self.actions_overdue} action{'s' if self.actions_overdue != 1 else ''} overdue"
            )
        return "; ".join(reasons)


def _start_of_today() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _reminders_today():
    return ActivityLog.objects.filter(action=REMINDER_ACTION, created_at__gte=_start_of_today())


def reminded_today(organisation_ids) -> set[int]:
    return set(
        _reminders_today()
        .filter(organisation_id__in=organisation_ids)
        .values_list("organisation_id", flat=True)
    )


# What a row, the CSV and the stored figures' fingerprint read of a home (and its parent's
# name): loading every column of 500 organisations was a tenth of the page.
ROW_ORGANISATION_FIELDS = (
    "name",
    "slug",
    "ods_code",
    "parent_id",
    "parent__name",
    "updated_at",
    "cyber_essentials_plus_expires_on",
)


def _with_row_figures(homes: QuerySet, user, today: dt.date) -> QuerySet:
    """`homes` with what each row counts of its home, worked out by the database in the
    same query (one index lookup per home, not a list of every home's id sent again for
    each figure): active documents past their review date, the latest activity that is
    not quiet (`read_models.loud`), reminded today (`reminded_today`), whether `user` is a
    member, the latest publication (`read_models.latest_publications`)."""
    home = OuterRef("pk")
    overdue_documents = (
        Document.objects.filter(organisation_id=home, next_review_due__lt=today)
        .active()
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    activity = (
        read_models.loud(ActivityLog.objects.filter(organisation_id=home))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    reminders = _reminders_today().filter(organisation_id=home)
    return homes.annotate(
        row_documents_overdue=Coalesce(Subquery(overdue_documents), 0),
        row_last_activity=Subquery(activity),
        row_reminded_today=Exists(reminders),
        row_is_member=(
            Exists(Membership.objects.filter(user=user, organisation_id=home))
            if user is not None
            else Value(False)
        ),
        **read_models.latest_publication_subqueries(home),
    )


def portfolio_rows(
    user, *, today: dt.date | None = None, organisations=None, full: bool = False
) -> list[PortfolioRow]:
    """One row per home in the user's portfolio, in a constant number of queries. The page
    reads each home's stored summary (`assessments.summaries`); `full` gives each row the
    whole outcome (the items to the next level, for the portfolio report)."""
    today = today or timezone.localdate()
    with scopes_disabled():
        chosen = organisations if organisations is not None else portfolio_organisations(user)
        homes = chosen.select_related("parent").order_by("name")
        # The page reads a few of each home's fields; the report (`full`) reads more.
        homes = list(
            _with_row_figures(homes if full else homes.only(*ROW_ORGANISATION_FIELDS), user, today)
        )
        ids = [o.pk for o in homes]
        outcomes = (outcomes_for if full else summaries_for)(homes, today=today)
        actions = read_models.overdue_action_counts(
            ids,
            today,
            # Asked only of the homes with overdue actions.
            lambda org_id: outcomes[org_id][1].counted if outcomes[org_id][1] else frozenset(),
        )
    rows = []
    for org in homes:
        assessment, outcome = outcomes[org.pk]
        rows.append(
            PortfolioRow(
                organisation=org,
                assessment=assessment,
                outcome=outcome,
                deadline=read_models.deadline_for(assessment, today),
                today=today,
                is_member=org.row_is_member,
                documents_overdue=org.row_documents_overdue,
                actions_overdue=actions.get(org.pk, 0),
                last_activity=org.row_last_activity,
                reminded_today=org.row_reminded_today,
                publication=(
                    read_models.publication_from(
                        org.row_published_on, org.row_published_outcome, today
                    )
                    if org.row_published_on
                    else None
                ),
            )
        )
    return rows


# ---------------------------------------------------------------- filter and sort

SORTS = {
    "name": lambda r: r.organisation.name.lower(),
    "ods": lambda r: r.organisation.ods_code,
    "outcome": lambda r: (r.outcome_rank, r.percent_done),
    "done": lambda r: r.percent_done,
    "blockers": lambda r: r.blockers,
    "actions": lambda r: r.actions_overdue or 0,
    "documents": lambda r: r.documents_overdue,
    "activity": lambda r: r.last_activity.timestamp() if r.last_activity else 0,
    "days": lambda r: r.days_to_deadline,
}
DEFAULT_SORT = "done"


@dataclass
class PortfolioFilters:
    q: str = ""
    outcome: str = ""
    behind: bool = False
    overdue: bool = False
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, params) -> PortfolioFilters:
        outcome = params.get("outcome", "")
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            q=params.get("q", "").strip()[:100],
            outcome=outcome if outcome in read_models.OUTCOME_LABELS else "",
            behind=params.get("behind") == "1",
            overdue=params.get("overdue") == "1",
            sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.outcome or self.behind or self.overdue)

    def apply(self, rows: list[PortfolioRow]) -> list[PortfolioRow]:
        q = self.q.lower()
        rows = [
            r
            for r in rows
            if (not q or q in r.organisation.name.lower() or q in r.organisation.ods_code.lower())
            and (not self.outcome or r.outcome_key == self.outcome)
            and (not self.behind or r.behind_schedule)
            and (not self.overdue or r.has_overdue)
        ]
        key = SORTS[self.sort.lstrip("-")]
        rows.sort(key=lambda r: r.organisation.name.lower())
        rows.sort(key=key, reverse=self.sort.startswith("-"))
        return rows


def standard_columns(rows: list[PortfolioRow]) -> list[tuple[str, str]]:
    """(key, name) of every standard on the page, in number order, for the heat grid."""
    seen = {}
    for row in rows:
        for key, progress in row.standards.items():
            seen.setdefault(key, progress.label)
    return sorted(seen.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 99)


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One home's mandatory items answered in one standard: `kind` is the cell's colour
    ("full", "most" (75% or more), "some", "none"), or "na" with no mandatory items."""

    kind: str
    answered: int = 0
    total: int = 0


_NA = HeatCell("na")


def heat_cell(progress) -> HeatCell:
    if progress is None or not progress.mandatory_total:
        return _NA
    answered, total = progress.mandatory_answered, progress.mandatory_total
    if answered == total:
        kind = "full"
    elif answered == 0:
        kind = "none"
    elif round(100 * answered / total) >= 75:
        kind = "most"
    else:
        kind = "some"
    return HeatCell(kind, answered, total)


def heat_rows(rows: list[PortfolioRow], standards: list[tuple[str, str]]) -> list:
    """(row, [HeatCell for each of `standards`]) for the heat grid: worked out here, not by
    a lookup and four comparisons per cell in the template."""
    return [(row, [heat_cell(row.standards.get(key)) for key, _ in standards]) for row in rows]


# ---------------------------------------------------------------- CSV

CSV_HEADER = [
    "Name",
    "ODS code",
    "Projected outcome",
    "% mandatory items done",
    "Expected % by now",
    "Behind schedule",
    "Items to next level",
    "Overdue actions",
    "Documents overdue",
    "Last activity",
    "Days to deadline",
]


def portfolio_csv(rows: list[PortfolioRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(
            [
                plain_cell(r.organisation.name),
                plain_cell(r.organisation.ods_code),
                r.outcome_label,
                r.percent_done,
                r.expected_percent,
                "yes" if r.behind_schedule else "no",
                r.blockers,
                "" if r.actions_overdue is None else r.actions_overdue,
                r.documents_overdue,
                timezone.localtime(r.last_activity).strftime("%Y-%m-%d %H:%M")
                if r.last_activity
                else "",
                r.days_to_deadline,
            ]
        )
    return out.getvalue()


# ---------------------------------------------------------------- reminders


@dataclass
class ReminderResult:
    queued: list[Organisation] = field(default_factory=list)
    skipped: list[tuple[Organisation, str]] = field(default_factory=list)


@transaction.atomic
def ig_lead_reminders_request(*, user, organisation_ids: list[int], request=None) -> ReminderResult:
    """Queue a reminder email to each selected home's IG lead: at most one per home per day.

    Only homes in the user's portfolio count (others are ignored). Each request is recorded
    in the home's activity log, and the email, written now from the home's figures, goes into
    the outbox in the same transaction: sent once after commit, retried, never lost. Replies
    go to the consultant who asked.
    """
    result = ReminderResult()
    with scopes_disabled():
        allowed = portfolio_organisations(user).filter(pk__in=organisation_ids).values("pk")
        # Lock the homes so two clicks at once cannot both send today's reminder.
        homes = list(
            Organisation.objects.filter(pk__in=allowed)
            .select_related("ig_lead")
            .select_for_update(of=("self",))
            .order_by("name")
        )
        already = reminded_today([o.pk for o in homes])
        for org in homes:
            if org.ig_lead is None or not org.ig_lead.email or not org.ig_lead.is_active:
                result.skipped.append((org, "no IG lead is named"))
                continue
            if org.pk in already:
                result.skipped.append((org, "already reminded today"))
                continue
            activity_record(
                organisation=org,
                actor=user,
                action=REMINDER_ACTION,
                target=org,
                changes={"to": [None, org.ig_lead.email]},
                request=request,
            )
            _reminder_email_queue(organisation=org, sender=user)
            result.queued.append(org)
    return result


def _reminder_email_queue(*, organisation: Organisation, sender) -> None:
    with scope(organisation=organisation):
        board = read_models.home_dashboard(organisation)
    email_queue(
        "portfolio_reminder",
        to=[organisation.ig_lead.email],
        context={
            "organisation": organisation,
            "recipient": organisation.ig_lead,
            "sender": sender,
            "board": board,
            "url": settings.SITE_URL + reverse("organisations:home", args=[organisation.slug]),
        },
        headers={"Reply-To": sender.email} if sender.email else None,
    )
