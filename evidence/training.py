"""The staff training figure behind evidence item 3.2.1 (docs/dspt-rules.md §7).

Who is in scope on a date (our documented rules):
- everyone on the register with access to personal data: employees, directors and
  trustees, volunteers – and **agency workers**. The toolkit counts people who access
  the organisation's personal data, and an agency worker reading care records is one of
  them; a certificate from the agency is a valid training record. Counting them cannot
  overstate compliance, so they are in unless marked "no access to personal data";
- people who had started by the date (or have no start date) and had not left before
  it (leaving on the date itself still counts: they worked that day);
- anyone marked "no access to personal data" is out.

Trained means a record completed in the 12 months up to and including the date
(completed on or after the same date a year earlier), not the calendar year.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Q

from dspt_portal.dates import add_years
from dspt_portal.deadlines import dspt_deadline

from .models import StaffMember

TARGET_PERCENT = 95
# What a summary reads of each person (many organisations at once load only these).
SUMMARY_FIELDS = ("id", "organisation_id", "name", "started_on", "left_on", "has_data_access")


@dataclass(frozen=True)
class StaffTraining:
    """One in-scope person and their most recent training up to the date."""

    staff_member: StaffMember
    last_completed_on: dt.date | None
    valid_until: dt.date | None

    @property
    def name(self) -> str:
        return self.staff_member.name


@dataclass
class TrainingSummary:
    on: dt.date
    deadline: dt.date
    trained: list[StaffTraining] = field(default_factory=list)
    missing: list[StaffTraining] = field(default_factory=list)
    # Trained on `on`, but their training lapses before the deadline.
    expiring: list[StaffTraining] = field(default_factory=list)
    out_of_scope: list[StaffMember] = field(default_factory=list)
    target: int = TARGET_PERCENT
    # The organisation's own figure (its settings: everyone with access to personal data).
    stated_headcount: int | None = None

    @property
    def in_scope_count(self) -> int:
        return len(self.trained) + len(self.missing)

    @property
    def trained_count(self) -> int:
        return len(self.trained)

    @property
    def percentage(self) -> float | None:
        """Trained / in scope, rounded down to one decimal place (never rounded up to 95)."""
        if not self.in_scope_count:
            return None
        return (self.trained_count * 1000 // self.in_scope_count) / 10

    @property
    def meets_target(self) -> bool:
        # Integer arithmetic, so 19 of 20 is exactly 95% and 94.99% is not.
        return (
            bool(self.in_scope_count)
            and self.trained_count * 100 >= self.target * self.in_scope_count
        )

    @property
    def missing_names(self) -> list[str]:
        return [s.name for s in self.missing]

    @property
    def headcount_differs(self) -> bool:
        """The register has people in scope, and not the number the organisation states."""
        return (
            self.stated_headcount is not None
            and self.in_scope_count > 0
            and self.in_scope_count != self.stated_headcount
        )

    @property
    def headcount_message(self) -> str:
        """Why the two numbers differ and what to do, in plain English ('' when they agree).

        The register decides the 3.2.1 figure; a register short of people overstates it.
        """
        if not self.headcount_differs:
            return ""
        counted, stated = self.in_scope_count, self.stated_headcount
        people = "person" if counted == 1 else "people"
        said = f"your organisation's details say {stated:,}"
        if counted < stated:
            gap = stated - counted
            return (
                f"The training register counts {counted:,} {people} with access to personal "
                f"data on {self.on:%-d %B %Y}, but {said}. {gap:,} "
                f"{'person is' if gap == 1 else 'people are'} missing from the register, so "
                "the trained figure may look better than it is. Add everyone who works or "
                "volunteers here, or correct the number in the organisation's details."
            )
        gap = counted - stated
        return (
            f"The training register counts {counted:,} {people} with access to personal data "
            f"on {self.on:%-d %B %Y}, but {said}: {gap:,} more than stated. Add a leaving "
            "date for anyone who has left, or correct the number in the organisation's details."
        )


def in_scope(staff_member: StaffMember, on: dt.date) -> bool:
    return staff_member.has_data_access and staff_member.is_current_on(on)


def _summarise(staff, *, on: dt.date, deadline: dt.date) -> TrainingSummary:
    window_start = add_years(on, -1)
    summary = TrainingSummary(on=on, deadline=deadline)
    for person in staff:
        if not in_scope(person, on):
            summary.out_of_scope.append(person)
            continue
        last = person.last_completed_on
        row = StaffTraining(person, last, add_years(last, 1) if last else None)
        if last and last >= window_start:
            summary.trained.append(row)
            if row.valid_until < deadline:
                summary.expiring.append(row)
        else:
            summary.missing.append(row)
    return summary


def _staff_with_records(on: dt.date):
    """Staff with `last_completed_on`: their latest training up to `on` (one query)."""
    return StaffMember.objects.annotate(
        last_completed_on=Max(
            "training_records__completed_on",
            filter=Q(training_records__completed_on__lte=on),
        )
    ).order_by("name")


def training_summary(
    *, organisation, on: dt.date | None = None, deadline: dt.date | None = None
) -> TrainingSummary:
    """Who in `organisation` counts for 3.2.1 on `on` (default: the DSPT deadline), who is
    trained in the 12 months before it, who is missing, and whose training lapses before
    the deadline. One query whatever the size of the register."""
    deadline = deadline or dspt_deadline()
    on = on or deadline
    staff = _staff_with_records(on).filter(organisation=organisation)
    summary = _summarise(staff, on=on, deadline=deadline)
    summary.stated_headcount = organisation.staff_headcount
    return summary


def training_summaries(
    *, organisation_ids: list[int], on: dt.date, deadlines: dict[int, dt.date]
) -> dict[int, TrainingSummary]:
    """`training_summary` for many organisations in one query (the portfolio's outcomes).
    Organisations with nobody on the register are left out."""
    by_org: dict[int, list] = {}
    staff = (
        _staff_with_records(on)
        .filter(organisation_id__in=organisation_ids)
        .only(*SUMMARY_FIELDS)
        .order_by("organisation_id", "name")
    )
    for person in staff:
        by_org.setdefault(person.organisation_id, []).append(person)
    return {
        org_id: _summarise(staff, on=on, deadline=deadlines.get(org_id) or dspt_deadline())
        for org_id, staff in by_org.items()
    }
