"""Find what is due, per kind, for a batch of organisations on a given day.

Each collector takes `day` and a list of organisation ids and returns `Due` records.
It runs a fixed number of queries whatever the batch size (asserted in tests), and
recomputes from the data every time, so a missed day is caught up on the next run:
the occasion key (e.g. the 60-day milestone) is the same until the next milestone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.template.defaultfilters import pluralize
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from dspt_portal.dates import add_years
from dspt_portal.deadlines import dspt_deadline, dspt_year_label
from organisations.models import Membership, Organisation, Role

from .models import Kind

DEADLINE_MILESTONES = (90, 60, 30, 14, 7, 1)
DOCUMENT_DUE_WITHIN = 30
ACTION_DUE_WITHIN = 7
# Days before a publication is 12 months old (docs/dspt-rules.md §4).
REPUBLISH_MILESTONES = (60, 30, 7)
BLOCKERS_LISTED = 8
UK = zoneinfo.ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Due:
    recipient_id: int
    organisation_id: int | None
    kind: str
    key: str
    title: str
    detail: str = ""
    url: str = ""
    due_on: dt.date | None = None
    sort_key: int = 0


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _url(name: str, **kwargs) -> str:
    try:
        return absolute(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return ""


def deadline_milestone(day: dt.date) -> tuple[dt.date, int] | None:
    """(deadline, milestone) when a countdown reminder is due on or after its milestone day."""
    deadline = dspt_deadline(day)
    days_left = (deadline - day).days
    passed = [m for m in DEADLINE_MILESTONES if m >= days_left]
    if days_left > max(DEADLINE_MILESTONES) or not passed:
        return None
    return deadline, min(passed)


def _contacts(orgs: list[Organisation], admins: dict[int, list[int]]) -> dict[int, list[int]]:
    """IG lead and senior accountable person per organisation; its admins if neither is named."""
    contacts = {}
    for org in orgs:
        people = {p for p in (org.ig_lead_id, org.senior_accountable_person_id) if p}
        contacts[org.pk] = sorted(people) or admins.get(org.pk, [])
    return contacts


def _admins(org_ids: list[int]) -> dict[int, list[int]]:
    admins: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in Membership.objects.filter(
        organisation_id__in=org_ids, role=Role.ADMIN
    ).values_list("organisation_id", "user_id"):
        admins[org_id].append(user_id)
    return admins


def _key_people_and_admins(org, admins: dict[int, list[int]]) -> list[int]:
    """The IG lead, the senior accountable person and the admins, each once."""
    people = {org.ig_lead_id, org.senior_accountable_person_id, *admins.get(org.pk, [])}
    return sorted(p for p in people if p)


def deadline_countdown(day: dt.date, org_ids: list[int]) -> list[Due]:
    from assessments.models import Approval
    from assessments.outcome import OutcomeLevel, outcomes_for

    milestone = deadline_milestone(day)
    if milestone is None:
        return []
    deadline, days = milestone
    days_left = (deadline - day).days
    orgs = list(Organisation.objects.filter(pk__in=org_ids))
    outcomes = outcomes_for(orgs, today=day)
    year_start = dt.date(deadline.year - 1, 7, 1)
    published_this_year = set(
        Approval.objects.filter(
            organisation_id__in=org_ids, published_on__gte=year_start
        ).values_list("organisation_id", flat=True)
    )
    contacts = _contacts(orgs, _admins(org_ids))
    when = "today is" if days_left == 0 else f"{days_left} day{'s' if days_left != 1 else ''} to"
    dues = []
    for org in orgs:
        if org.pk in published_this_year:
            continue
        assessment, outcome = outcomes[org.pk]
        url = _url("assessments:index", org=org.slug)
        if assessment is None or assessment.dspt_year != deadline.year:
            detail = f"You have not started your {dspt_year_label(deadline.year)} assessment yet."
            sort = 0
        elif outcome.level in (OutcomeLevel.MET, OutcomeLevel.EXCEEDED):
            detail = (
                "Standards Met is within reach: every mandatory item is answered. "
                "Get it approved and publish it on the national toolkit."
            )
            sort = 0
        else:
            met = outcome.missing_for_met
            lines = [f"Standards Met still needs {len(met)} item{'s' if len(met) != 1 else ''}:"]
            lines += [f"- {r.item.ref} {r.item.summary}" for r in met[:BLOCKERS_LISTED]]
            if len(met) > BLOCKERS_LISTED:
                lines.append(f"- and {len(met) - BLOCKERS_LISTED} more")
            detail = "\n".join(lines)
            sort = len(met)
        this_year = assessment is not None and assessment.dspt_year == deadline.year
        if this_year and outcome.is_partial:
            detail += (
                f"\nThis is {outcome.coverage_text}. How to load the official list: "
                + absolute(reverse("assessments_help:checklist"))
            )
        for person in contacts[org.pk]:
            dues.append(
                Due(
                    recipient_id=person,
                    organisation_id=org.pk,
                    kind=Kind.DEADLINE,
                    key=f"deadline:{deadline.year}:{days}:org{org.pk}",
                    title=f"{org.name}: {when} the {deadline:%-d %B %Y} deadline",
                    detail=detail,
                    url=url,
                    due_on=deadline,
                    sort_key=-sort,
                )
            )
    return dues


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _due_or_overdue(
    day: dt.date, obj, *, prefix: str, due: dt.date, kind: str, titles: tuple[str, str], url: str
) -> Due | None:
    """A reminder for something due soon (once), or overdue (once a week until it is done)."""
    recipient = obj.owner_id or obj.organisation.ig_lead_id
    if recipient is None:
        return None
    overdue = due < day
    key = f"{prefix}:{obj.pk}:" + (f"overdue:{due}:{_week(day)}" if overdue else f"due:{due}")
    return Due(
        recipient_id=recipient,
        organisation_id=obj.organisation_id,
        kind=kind,
        key=key,
        title=titles[overdue].replace("{due}", f"{due:%-d %B %Y}"),
        detail=obj.organisation.name,
        url=url,
        due_on=due,
        sort_key=(due - day).days,
    )


def document_reviews(day: dt.date, org_ids: list[int]) -> list[Due]:
    from evidence.models import Document

    documents = (
        Document.objects.filter(
            organisation_id__in=org_ids,
            next_review_due__isnull=False,
            next_review_due__lte=day + dt.timedelta(days=DOCUMENT_DUE_WITHIN),
        )
        .active()
        .select_related("organisation")
    )
    dues = (
        _due_or_overdue(
            day,
            doc,
            prefix="doc",
            due=doc.next_review_due,
            kind=Kind.DOCUMENT_REVIEW,
            titles=(
                f"“{doc.title}” due for review on {{due}}",
                f"“{doc.title}” review overdue since {{due}}",
            ),
            url=_url("evidence:document", org=doc.organisation.slug, pk=doc.pk),
        )
        for doc in documents
    )
    return [d for d in dues if d is not None]


def action_deadlines(day: dt.date, org_ids: list[int]) -> list[Due]:
    from assessments.models import ImprovementAction

    actions = (
        ImprovementAction.objects.open()
        .filter(
            organisation_id__in=org_ids,
            target_date__isnull=False,
            target_date__lte=day + dt.timedelta(days=ACTION_DUE_WITHIN),
        )
        .select_related("organisation")
    )
    dues = (
        _due_or_overdue(
            day,
            action,
            prefix="action",
            due=action.target_date,
            kind=Kind.ACTION_DUE,
            titles=(f"Due {{due}}: {action.title}", f"Overdue since {{due}}: {action.title}"),
            url=_url("assessments:plan", org=action.organisation.slug),
        )
        for action in actions
    )
    return [d for d in dues if d is not None]


def republish_milestone(day: dt.date, expires: dt.date) -> str | None:
    """The republication reminder due on `day`: '60', '30', '7' days before, or 'expired'.

    Caught up like the countdown: a missed milestone day is sent on the next sweep, under
    the same key. The 30-day one keeps its first key ('soon') so it is never sent again.
    """
    days_left = (expires - day).days
    if days_left <= 0:
        return "expired"
    passed = [m for m in REPUBLISH_MILESTONES if m >= days_left]
    if not passed:
        return None
    return {30: "soon"}.get(min(passed), str(min(passed)))


def sar_deadlines(day: dt.date, org_ids: list[int]) -> list[Due]:
    """Open subject access requests due within 7 days, or overdue, for the IG lead."""
    from registers.models import SAR_DUE_SOON_DAYS, SubjectAccessRequest

    # Due one month after receipt, three when extended (docs/dspt-rules.md, "Registers");
    # an overdue request is chased weekly for about a year after it arrived.
    requests = (
        SubjectAccessRequest.objects.open()
        .filter(
            organisation_id__in=org_ids,
            organisation__ig_lead__isnull=False,
            received_on__gte=day - dt.timedelta(days=400),
        )
        .select_related("organisation")
    )
    dues = []
    for sar in requests:
        due = sar.due_on
        if (due - day).days > SAR_DUE_SOON_DAYS:
            continue
        overdue = due < day
        key = f"sar:{sar.pk}:" + (f"overdue:{due}:{_week(day)}" if overdue else f"due:{due}")
        when = f"{due:%-d %B %Y}"
        dues.append(
            Due(
                recipient_id=sar.organisation.ig_lead_id,
                organisation_id=sar.organisation_id,
                kind=Kind.SAR_DUE,
                key=key,
                title=(
                    f"Overdue since {when}: request from {sar.requester}"
                    if overdue
                    else f"Answer by {when}: request from {sar.requester}"
                ),
                detail=sar.organisation.name,
                url=_url("registers:sar_edit", org=sar.organisation.slug, pk=sar.pk),
                due_on=due,
                sort_key=(due - day).days,
            )
        )
    return dues


def out_of_date(day: dt.date, org_ids: list[int]) -> list[Due]:
    from assessments.models import Approval

    latest: dict[int, Approval] = {}
    for approval in Approval.objects.filter(
        organisation_id__in=org_ids, published_on__isnull=False
    ).order_by("published_on"):
        latest[approval.organisation_id] = approval
    if not latest:
        return []
    orgs = list(Organisation.objects.filter(pk__in=list(latest)))
    contacts = _contacts(orgs, _admins(list(latest)))
    dues = []
    for org in orgs:
        approval = latest[org.pk]
        expires = add_years(approval.published_on, 1)
        stage = republish_milestone(day, expires)
        if stage is None:
            continue
        if stage == "expired":
            title = f"{org.name}: your DSPT assessment is out of date"
            detail = (
                f"It was published on {approval.published_on:%-d %B %Y}, more than 12 months "
                "ago. Review it and publish again so your status stays valid."
            )
        else:
            days_left = (expires - day).days
            title = (
                f"{org.name}: republish by {expires:%-d %B %Y} "
                f"({days_left} day{'s' if days_left != 1 else ''} left)"
            )
            detail = (
                f"Your DSPT assessment was published on {approval.published_on:%-d %B %Y} and "
                f"goes out of date on {expires:%-d %B %Y}. Review your answers and publish "
                "again before then."
            )
        for person in contacts[org.pk]:
            dues.append(
                Due(
                    recipient_id=person,
                    organisation_id=org.pk,
                    kind=Kind.OUT_OF_DATE,
                    key=f"outofdate:{approval.pk}:{stage}",
                    title=title,
                    detail=detail,
                    url=_url("assessments:index", org=org.slug),
                    due_on=expires,
                )
            )
    return dues


def last_deadline_passed(day: dt.date) -> dt.date:
    """The most recent 30 June before `day` (on 30 June itself, the year before's)."""
    return dt.date(dspt_deadline(day).year - 1, 6, 30)


def missed(deadline: dt.date, org_ids) -> dict[int, Organisation]:
    """The organisations that missed `deadline` and have still not published, each with
    `status`: its assessment's for that year (None if it has none). One query.

    Missed: they were doing that year's assessment here, or had published before, and no
    publication is recorded from the start of that DSPT year on (a late one counts). A home
    that never used the portal for that year is not told it missed it.
    """
    from assessments.models import Approval, Assessment

    year_start = dt.date(deadline.year - 1, 7, 1)
    orgs = Organisation.objects.filter(pk__in=org_ids).annotate(
        status=Subquery(
            Assessment.objects.filter(organisation=OuterRef("pk"), dspt_year=deadline.year).values(
                "status"
            )[:1]
        ),
        last_published=Subquery(
            Approval.objects.filter(organisation=OuterRef("pk"), published_on__isnull=False)
            .order_by("-published_on")
            .values("published_on")[:1]
        ),
    )
    return {
        org.pk: org
        for org in orgs
        if (org.status is not None or org.last_published is not None)
        and (org.last_published is None or org.last_published < year_start)
    }


def deadline_missed(day: dt.date, org_ids: list[int]) -> list[Due]:
    """Weekly from 1 July (1, 8, 15 July …) until the home publishes, to its IG lead, its
    senior accountable person and its admins. A missed sweep is caught up the next day."""
    from assessments.models import AssessmentStatus

    deadline = last_deadline_passed(day)
    late = missed(deadline, org_ids)
    if not late:
        return []
    week = ((day - deadline).days - 1) // 7
    days_late = (day - deadline).days
    admins = _admins(list(late))
    label = dspt_year_label(deadline.year)
    dues = []
    for org in late.values():
        status = org.status
        if status is None:
            detail = f"Your {label} assessment has not been started here yet."
        elif status == AssessmentStatus.APPROVED:
            detail = f"Your {label} assessment is approved: publish it on the national toolkit."
        elif status == AssessmentStatus.AWAITING_APPROVAL:
            detail = f"Your {label} assessment is waiting for approval."
        else:
            detail = f"Your {label} assessment is still in progress."
        detail += (
            " Finish it, have it approved and publish it on the national toolkit. If you have "
            "published already, record the date on the approval page to stop these reminders."
        )
        for person in _key_people_and_admins(org, admins):
            dues.append(
                Due(
                    recipient_id=person,
                    organisation_id=org.pk,
                    kind=Kind.DEADLINE_MISSED,
                    key=f"missed:{deadline.year}:week{week}:org{org.pk}",
                    title=f"{org.name}: the {deadline:%-d %B %Y} deadline has passed "
                    f"({days_late} day{'s' if days_late != 1 else ''} ago) and the "
                    "assessment is not published",
                    detail=detail,
                    url=_url("assessments:approval", org=org.slug)
                    if status == AssessmentStatus.APPROVED
                    else _url("assessments:index", org=org.slug),
                    due_on=deadline,
                )
            )
    return dues


# The breach 72-hour clock (docs/dspt-rules.md, "Registers"), swept every hour rather than
# daily: the points it emails at, by time left on the clock.
BREACH_POINTS = (
    ("overdue", dt.timedelta(0)),
    ("6h", dt.timedelta(hours=6)),
    ("24h", dt.timedelta(hours=24)),
)
# An open breach found longer ago than this (e.g. an old one imported from a spreadsheet)
# is not emailed about: the home page and the breach log still show it as overdue.
BREACH_CHASED_FOR = dt.timedelta(days=10)


def breach_point(time_left: dt.timedelta) -> str:
    """The clock point reached: 'logged' (more than 24 hours left), '24h' (24 hours or less),
    '6h' (6 hours or less) or 'overdue' (the 72 hours are up: at 72:00, not 72:01)."""
    for point, at_most in BREACH_POINTS:
        if time_left <= at_most:
            return point
    return "logged"


def uk_time(moment: dt.datetime) -> str:
    """'14:30 on Friday 4 December 2026', in UK time (GMT or BST as the day has it)."""
    local = moment.astimezone(UK)
    return f"{local:%H:%M} on {local:%A %-d %B %Y}"


def _hours_text(time_left: dt.timedelta) -> str:
    hours = int(time_left.total_seconds() // 3600)
    if hours < 1:
        return "less than an hour"
    return f"{hours} hour{pluralize(hours)}"


def _logged_after(breach, point: str) -> bool:
    """Whether the breach was logged after its clock reached `point` (its first email)."""
    at_most = dict(BREACH_POINTS).get(point)
    return at_most is None or breach.created_at > breach.report_by - at_most


def _breach_due_text(breach, now: dt.datetime, point: str) -> tuple[str, str]:
    left = breach.report_by - now
    deadline = uk_time(breach.report_by)
    found = f"Found at {uk_time(breach.discovered_at)}."
    logged = " logged" if _logged_after(breach, point) else ""
    if point == "overdue":
        title = f"Breach “{breach.title}”{logged}: the 72 hours ran out at {deadline}"
        detail = (
            f"{found} No reporting decision is recorded yet. If it must be reported, report "
            "it to the ICO through the Data Security and Protection Toolkit's incident tool "
            "as soon as you can, and record on the breach why it was late. If it does not "
            "need reporting, record why on the breach."
        )
        return title, detail
    title = (
        f"Breach “{breach.title}”{logged}: {_hours_text(left)} left to decide on reporting "
        f"it (by {deadline})"
    )
    detail = (
        f"{found} The 72-hour clock runs until {deadline}. Decide whether it must "
        "be reported: if it is likely to put people at risk, report it to the ICO through "
        "the Data Security and Protection Toolkit's incident tool; if not, record on the "
        "breach why it does not need reporting. Either way, record the decision on the "
        "breach to stop these emails."
    )
    return title, detail


def breach_clocks(now: dt.datetime) -> list[Due]:
    """Every breach with no reporting decision whose clock has reached a point, for its
    organisation's IG lead, senior accountable person and admins. Two queries, whatever the
    number of breaches. The key names the breach and the point, so each point is emailed
    once per breach and person however often the sweep runs; a missed hour is caught up at
    the next run with the point reached then (only the latest: no '24 hours left' after
    the '6 hours left')."""
    from registers.models import REPORT_WITHIN, Breach

    breaches = list(
        Breach.objects.clock_open()
        .filter(
            discovered_at__gte=now - (REPORT_WITHIN + BREACH_CHASED_FOR),
            discovered_at__lte=now,
            organisation__closes_on__isnull=True,
        )
        .select_related("organisation")
        .order_by("discovered_at", "pk")
    )
    if not breaches:
        return []
    admins = _admins(sorted({b.organisation_id for b in breaches}))
    dues = []
    for breach in breaches:
        org = breach.organisation
        point = breach_point(breach.report_by - now)
        title, detail = _breach_due_text(breach, now, point)
        for person in _key_people_and_admins(org, admins):
            dues.append(
                Due(
                    recipient_id=person,
                    organisation_id=org.pk,
                    kind=Kind.BREACH_CLOCK,
                    key=f"breach:{breach.pk}:{point}",
                    title=title,
                    detail=detail,
                    url=_url("registers:breach_edit", org=org.slug, pk=breach.pk),
                    due_on=timezone.localdate(breach.report_by),
                    sort_key=int((breach.report_by - now).total_seconds() // 60),
                )
            )
    return dues


def breach_reminders_stopped(reminders) -> set[int]:
    """The reminders (of the breach clock) whose breach now has a reporting decision or is
    gone. One query."""
    from registers.models import Breach, Reporting

    by_breach = defaultdict(list)
    for r in reminders:
        by_breach[int(r.key.split(":")[1])].append(r.pk)
    with scopes_disabled():  # system work across organisations, by primary key
        running = set(
            Breach.objects.filter(
                pk__in=list(by_breach), reporting=Reporting.NOT_DECIDED
            ).values_list("pk", flat=True)
        )
    return {pk for breach_id, pks in by_breach.items() if breach_id not in running for pk in pks}


COLLECTORS = [
    deadline_countdown,
    deadline_missed,
    document_reviews,
    action_deadlines,
    sar_deadlines,
    out_of_date,
]


def consultant_digest(day: dt.date, consultant_ids: list[int]) -> list[Due]:
    """One digest per consultant per ISO week, listing their homes worst first."""
    from assessments.outcome import level_rank, outcomes_for

    deadline = dspt_deadline(day)
    homes = defaultdict(list)
    organisations = {}
    for m in Membership.objects.filter(
        user_id__in=consultant_ids, role=Role.CONSULTANT
    ).select_related("organisation"):
        homes[m.user_id].append(m.organisation)
        organisations[m.organisation_id] = m.organisation
    missed_deadline = last_deadline_passed(day)
    late = missed(missed_deadline, list(organisations))
    summaries = {}
    # The homes' outcomes a batch of homes at a time: a batch of consultants may advise
    # thousands of homes, and only each home's one line is kept.
    advised, size = list(organisations.values()), settings.REMINDER_BATCH_SIZE
    for i in range(0, len(advised), size):
        for org_id, (_assessment, o) in outcomes_for(advised[i : i + size], today=day).items():
            if o is None:
                summaries[org_id] = (-1, 0, "not started")
                continue
            summaries[org_id] = (
                level_rank(o.level),
                o.percent_mandatory_done,
                f"{o.label}, {o.percent_mandatory_done}% of mandatory items done, "
                f"{len(o.blockers_for_next)} to go for {o.next_label or 'the next level'}",
            )
    dues = []
    for user_id, orgs in homes.items():
        # Homes that missed the last 30 June and have not published come first.
        ranked = sorted(orgs, key=lambda o: (o.pk not in late, *summaries[o.pk][:2]))
        lines = [
            f"- {o.name} ({o.ods_code}): "
            + (f"missed {missed_deadline:%-d %B %Y}, not published yet; " if o.pk in late else "")
            + summaries[o.pk][2]
            for o in ranked
        ]
        dues.append(
            Due(
                recipient_id=user_id,
                organisation_id=None,
                kind=Kind.CONSULTANT_DIGEST,
                key=f"digest:{_week(day)}",
                title=f"Your {len(orgs)} home{pluralize(len(orgs))} this week, "
                f"{(deadline - day).days} day{pluralize((deadline - day).days)} to 30 June",
                detail="\n".join(lines),
                url=_url("organisations:portfolio"),
            )
        )
    return dues
