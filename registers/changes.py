"""'What changed this year': the register entries added or changed since the organisation
last published (or since the DSPT year began on 1 July, when it never has), in plain English
with the items each touches (docs/dspt-rules.md, "Registers"). The toolkit's guide asks
providers to note significant changes as they happen: new software, a breach, a new
supplier, a continuity test. One query per register, whatever the number of entries."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from dspt_portal.dates import add_years
from dspt_portal.deadlines import dspt_deadline

from .models import (
    Breach,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    SubjectAccessRequest,
    Supplier,
)

# How many lines the home page's panel shows before "See all".
PANEL_LINES = 8


@dataclass(frozen=True)
class Change:
    at: dt.datetime  # when the entry was added or last changed (newest first)
    text: str  # "New IT system: Care planning app"
    refs: str  # "7.1.1, 8.1.4" (may be empty)
    url: str  # the entry's page

    @property
    def line(self) -> str:
        return f"{self.text} ({self.refs})" if self.refs else self.text


@dataclass(frozen=True)
class YearChanges:
    since: dt.date
    since_publication: bool  # False: since 1 July (never published)
    changes: list[Change]

    @property
    def panel(self) -> list[Change]:
        return self.changes[:PANEL_LINES]

    @property
    def more(self) -> int:
        return max(0, len(self.changes) - PANEL_LINES)

    @property
    def since_text(self) -> str:
        day = _day(self.since)
        return f"since you last published on {day}" if self.since_publication else f"since {day}"


def _day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return date_format(value, "j F Y")


def year_start(today: dt.date) -> dt.date:
    """1 July: the first day of the DSPT year whose deadline is the next 30 June."""
    return add_years(dspt_deadline(today), -1) + dt.timedelta(days=1)


def _is_new(entry, start: dt.datetime) -> bool:
    return entry.created_at >= start


def _breach(b: Breach, start, org: str) -> Change:
    found = _day(b.discovered_at)
    text = (
        f"Breach found {found}: {b.title}"
        if _is_new(b, start)
        else (f"Breach updated: {b.title} (found {found})")
    )
    return Change(
        b.updated_at, text, "6.1.1–6.1.3", reverse("registers:breach_edit", args=[org, b.pk])
    )


def _sar(r: SubjectAccessRequest, start, org: str) -> Change:
    if _is_new(r, start):
        text = f"Subject access request received {_day(r.received_on)}: {r.requester}"
    elif r.completed_on:
        text = f"Subject access request answered {_day(r.completed_on)}: {r.requester}"
    else:
        text = f"Subject access request updated: {r.requester}"
    return Change(r.updated_at, text, "", reverse("registers:sar_edit", args=[org, r.pk]))


def _asset(a: ITAsset, start, org: str, today: dt.date) -> Change:
    refs = ["7.1.1", "8.1.4"]
    if a.is_unsupported(today):
        refs.append("8.2.1")
    if a.retired_on and a.retired_on >= timezone.localdate(start):
        text = f"IT system no longer used: {a.name}"
    elif _is_new(a, start):
        text = f"New IT system: {a.name}"
    else:
        text = f"IT system updated: {a.name}"
    return Change(
        a.updated_at, text, ", ".join(refs), reverse("registers:asset_edit", args=[org, a.pk])
    )


def _supplier(s: Supplier, start, org: str) -> Change:
    refs = (["4.3.1"] if s.admin_access else []) + ["10.1.2", "10.2.1", "10.2.2"]
    if s.ended_on and s.ended_on >= timezone.localdate(start):
        text = f"Supplier no longer used: {s.name}"
    elif _is_new(s, start):
        text = f"New supplier: {s.name} ({s.service})"
    else:
        text = f"Supplier updated: {s.name}"
    return Change(
        s.updated_at, text, ", ".join(refs), reverse("registers:supplier_edit", args=[org, s.pk])
    )


def _information(i: InformationAsset, start, org: str) -> Change:
    text = (
        f"New information asset: {i.name}"
        if _is_new(i, start)
        else (f"Information asset updated: {i.name}")
    )
    return Change(
        i.updated_at, text, "1.1.2", reverse("registers:information_edit", args=[org, i.pk])
    )


def _continuity(t: ContinuityTest, start, org: str) -> Change:
    what = t.get_scenario_display().split(" (")[0].lower()
    text = (
        f"Continuity plan tested {_day(t.tested_on)}: {what}"
        if _is_new(t, start)
        else f"Continuity test updated: {what} ({_day(t.tested_on)})"
    )
    return Change(
        t.updated_at, text, "7.1.2, 7.2.1", reverse("registers:continuity_edit", args=[org, t.pk])
    )


def _start(since: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(since, dt.time.min))


def year_changes(
    *, organisation, last_published_on: dt.date | None, today: dt.date | None = None
) -> YearChanges:
    """Entries added or changed on or after the start day, newest first (six queries)."""
    today = today or timezone.localdate()
    start = _start(last_published_on or year_start(today))

    def rows(model):
        return model.objects.filter(organisation=organisation, updated_at__gte=start)

    return changes_from(
        organisation=organisation,
        last_published_on=last_published_on,
        today=today,
        breaches=rows(Breach),
        sars=rows(SubjectAccessRequest),
        assets=rows(ITAsset),
        suppliers=rows(Supplier),
        information=rows(InformationAsset),
        continuity=rows(ContinuityTest),
    )


def changes_from(
    *,
    organisation,
    last_published_on: dt.date | None,
    today: dt.date,
    breaches,
    sars,
    assets,
    suppliers,
    information,
    continuity,
) -> YearChanges:
    """`year_changes` from the registers' rows read already (each register in its own
    order; rows not changed since the start day are left out here). No queries."""
    since = last_published_on or year_start(today)
    start = _start(since)
    org = organisation.slug

    def changed(entries):
        return (e for e in entries if e.updated_at >= start)

    changes = [
        *(_breach(b, start, org) for b in changed(breaches)),
        *(_sar(r, start, org) for r in changed(sars)),
        *(_asset(a, start, org, today) for a in changed(assets)),
        *(_supplier(s, start, org) for s in changed(suppliers)),
        *(_information(i, start, org) for i in changed(information)),
        *(_continuity(t, start, org) for t in changed(continuity)),
    ]
    changes.sort(key=lambda c: c.at, reverse=True)
    return YearChanges(
        since=since, since_publication=last_published_on is not None, changes=changes
    )
