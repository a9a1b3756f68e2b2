"""Writes to the registers and the figures other apps read. Every change is recorded in
the organisation's activity log.

Other apps: `from registers.services import breaches_needing_report, breach_figures`.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidence.models import add_years
from organisations.services import activity_record, changes_between

from .models import Breach, PeopleTold, Reporting, Risk
from .spreadsheets import import_save

BREACH_FIELDS = [
    "title",
    "description",
    "discovered_at",
    "people_affected",
    "risk",
    "actions",
    "signed_off_by",
    "signed_off_on",
    "reporting",
    "reported_at",
    "reporting_notes",
    "people_told",
    "people_told_on",
]


def breach_snapshot(breach: Breach) -> dict[str, Any]:
    return {name: getattr(breach, name) for name in BREACH_FIELDS}


@transaction.atomic
def breach_save(*, breach: Breach, before: dict[str, Any] | None, by, request=None) -> Breach:
    """Add a breach to the log or save changes to one, and record what changed."""
    created = breach.pk is None
    if created:
        breach.created_by = by if getattr(by, "is_authenticated", False) else None
    breach.full_clean()
    breach.save()
    diff = changes_between(before or {}, breach, BREACH_FIELDS)
    if created or diff:
        activity_record(
            organisation=breach.organisation,
            actor=by,
            action="breach.created" if created else "breach.updated",
            target=breach,
            changes=diff,
            request=request,
        )
    return breach


def breaches_needing_report(*, organisation) -> list[Breach]:
    """Breaches with no reporting decision: the home page's most urgent next step."""
    return list(
        Breach.objects.filter(organisation=organisation).clock_open().order_by("discovered_at")
    )


@dataclass(frozen=True)
class BreachFigures:
    """The log's figures for 6.1.x over the 12 months up to `on`."""

    on: dt.date
    total: int
    not_signed_off: int
    high_risk: int
    high_risk_not_told: int
    clock_open: int


def breach_figures(*, organisation, on: dt.date | None = None) -> BreachFigures:
    """Counts for breaches found in the 12 months up to `on` (one query)."""
    on = on or timezone.localdate()
    rows = list(
        Breach.objects.filter(organisation=organisation)
        .discovered_since(add_years(on, -1))
        .only("risk", "signed_off_by", "signed_off_on", "people_told", "reporting", "discovered_at")
    )
    rows = [b for b in rows if timezone.localdate(b.discovered_at) <= on]
    return BreachFigures(
        on=on,
        total=len(rows),
        not_signed_off=sum(not b.is_signed_off for b in rows),
        high_risk=sum(b.risk == Risk.HIGH for b in rows),
        high_risk_not_told=sum(
            b.risk == Risk.HIGH and b.people_told != PeopleTold.TOLD for b in rows
        ),
        clock_open=sum(b.reporting == Reporting.NOT_DECIDED for b in rows),
    )


def breaches_import(*, check, organisation, by, request=None) -> int:
    """Save every checked row of an import as a new breach (all or none), each recorded."""

    def save(breach: Breach) -> None:
        breach.organisation = organisation
        breach_save(breach=breach, before=None, by=by, request=request)

    return import_save(check, save=save)
