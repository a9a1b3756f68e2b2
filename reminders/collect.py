"""Find what is due, per kind, for a batch of organisations on a given day.

Each collector takes `day` and a list of organisation ids and returns `Due` records.
It runs a fixed number of queries whatever the batch size (asserted in tests), and
recomputes from the data every time, so a missed day is caught up on the next run:
the occasion key (e.g. the 60-day milestone) is the same until the next milestone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from dspt_portal.deadlines import dspt_deadline, dspt_year_label
from organisations.models import Membership, Organisation, Role

from .models import Kind

DEADLINE_MILESTONES = (90, 60, 30, 14, 7, 1)
DOCUMENT_DUE_WITHIN = 30
ACTION_DUE_WITHIN = 7
OUT_OF_DATE_WARNING_DAYS = 30
BLOCKERS_LISTED = 8


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


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


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

    documents = Document.objects.filter(
        organisation_id__in=org_ids,
        next_review_due__isnull=False,
        next_review_due__lte=day + dt.timedelta(days=DOCUMENT_DUE_WITHIN),
    ).select_related("organisation")
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
        expires = one_year_after(approval.published_on)
        if day >= expires:
            stage, title = "expired", f"{org.name}: your DSPT assessment is out of date"
            detail = (
                f"It was published on {approval.published_on:%-d %B %Y}, more than 12 months "
                "ago. Review it and publish again so your status stays valid."
            )
        elif day >= expires - dt.timedelta(days=OUT_OF_DATE_WARNING_DAYS):
            stage = "soon"
            title = f"{org.name}: your DSPT assessment goes out of date on {expires:%-d %B %Y}"
            detail = "Review your answers and publish again before then."
        else:
            continue
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


COLLECTORS = [deadline_countdown, document_reviews, action_deadlines, sar_deadlines, out_of_date]


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
    outcomes = outcomes_for(list(organisations.values()), today=day)
    summaries = {}
    for org_id, (_assessment, o) in outcomes.items():
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
        ranked = sorted(orgs, key=lambda o: summaries[o.pk][:2])
        lines = [f"- {o.name} ({o.ods_code}): {summaries[o.pk][2]}" for o in ranked]
        dues.append(
            Due(
                recipient_id=user_id,
                organisation_id=None,
                kind=Kind.CONSULTANT_DIGEST,
                key=f"digest:{_week(day)}",
                title=f"Your {len(orgs)} home{'s' if len(orgs) != 1 else ''} this week, "
                f"{(deadline - day).days} days to 30 June",
                detail="\n".join(lines),
                url=_url("organisations:portfolio"),
            )
        )
    return dues
