"""Writes to the registers and the figures other apps read. Every change is recorded in
the organisation's activity log.

Other apps: `from registers.services import breaches_needing_report, breach_figures,
sars_needing_attention`.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidence.models import add_years
from organisations.services import activity_record, changes_between

from .models import Breach, ITAsset, PeopleTold, Reporting, Risk, SubjectAccessRequest, YesNo
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


SAR_FIELDS = [
    "requester",
    "received_on",
    "identity_checked_on",
    "extension_reason",
    "completed_on",
    "notes",
]


ASSET_FIELDS = [
    "name",
    "kind",
    "supplier",
    "supported_until",
    "mfa",
    "encrypted",
    "backups_tested_on",
    "risk_note",
    "checked_on",
    "retired_on",
]


def snapshot(entry) -> dict[str, Any]:
    fields = {Breach: BREACH_FIELDS, SubjectAccessRequest: SAR_FIELDS, ITAsset: ASSET_FIELDS}
    return {name: getattr(entry, name) for name in fields[type(entry)]}


def breach_snapshot(breach: Breach) -> dict[str, Any]:
    return {name: getattr(breach, name) for name in BREACH_FIELDS}


def sar_snapshot(request_: SubjectAccessRequest) -> dict[str, Any]:
    return {name: getattr(request_, name) for name in SAR_FIELDS}


def _entry_save(*, entry, before, fields: list[str], action: str, by, request=None):
    """Validate and save one register entry; record what changed as `<action>.created` or
    `<action>.updated` in the organisation's activity log."""
    created = entry.pk is None
    if created:
        entry.created_by = by if getattr(by, "is_authenticated", False) else None
    entry.full_clean()
    entry.save()
    diff = changes_between(before or {}, entry, fields)
    if created or diff:
        activity_record(
            organisation=entry.organisation,
            actor=by,
            action=f"{action}.created" if created else f"{action}.updated",
            target=entry,
            changes=diff,
            request=request,
        )
    return entry


@transaction.atomic
def breach_save(*, breach: Breach, before: dict[str, Any] | None, by, request=None) -> Breach:
    """Add a breach to the log or save changes to one, and record what changed."""
    return _entry_save(
        entry=breach, before=before, fields=BREACH_FIELDS, action="breach", by=by, request=request
    )


@transaction.atomic
def sar_save(
    *, sar: SubjectAccessRequest, before: dict[str, Any] | None, by, request=None
) -> SubjectAccessRequest:
    """Add a subject access request or save changes to one, and record what changed."""
    return _entry_save(
        entry=sar, before=before, fields=SAR_FIELDS, action="sar", by=by, request=request
    )


@transaction.atomic
def it_asset_save(*, asset: ITAsset, before: dict[str, Any] | None, by, request=None) -> ITAsset:
    """Add a system or device to the IT register or save changes, and record what changed."""
    return _entry_save(
        entry=asset, before=before, fields=ASSET_FIELDS, action="it_asset", by=by, request=request
    )


def sars_needing_attention(*, organisation, today: dt.date | None = None) -> list:
    """Open requests overdue or due within a week, soonest first (the home page)."""
    today = today or timezone.localdate()
    rows = SubjectAccessRequest.objects.filter(organisation=organisation).open()
    return sorted(
        (r for r in rows if r.status(today) in ("overdue", "due_soon")), key=lambda r: r.due_on
    )


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


def entries_import(*, check, organisation, by, request=None) -> int:
    """Save every checked row of an import as a new entry (all or none), each recorded."""
    saver = {
        Breach: lambda e: breach_save(breach=e, before=None, by=by, request=request),
        SubjectAccessRequest: lambda e: sar_save(sar=e, before=None, by=by, request=request),
        ITAsset: lambda e: it_asset_save(asset=e, before=None, by=by, request=request),
    }

    def save(entry) -> None:
        entry.organisation = organisation
        saver[type(entry)](entry)

    return import_save(check, save=save)


@dataclass(frozen=True)
class SarFigures:
    open: int
    overdue: int
    answered_late_in_year: int
    received_in_year: int


def sar_figures(*, organisation, today: dt.date | None = None) -> SarFigures:
    """Open and overdue requests now, and the last 12 months' record (one query)."""
    today = today or timezone.localdate()
    year_ago = add_years(today, -1)
    rows = list(SubjectAccessRequest.objects.filter(organisation=organisation))
    statuses = [r.status(today) for r in rows]
    recent = [r for r in rows if r.received_on >= year_ago]
    return SarFigures(
        open=sum(s in ("open", "due_soon", "overdue") for s in statuses),
        overdue=statuses.count("overdue"),
        answered_late_in_year=sum(r.status(today) == "late" for r in recent),
        received_in_year=len(recent),
    )


# How long a register stays current without a check (7.1.1, 1.1.2: docs/dspt-rules.md).
REVIEW_MONTHS = 12


@dataclass(frozen=True)
class AssetFigures:
    on: dt.date
    in_use: int
    unsupported: list  # names of unsupported systems in use
    unsupported_without_risk: list  # ... with no risk record (8.2.1)
    mfa_off: list  # names with MFA "no" (4.5.3)
    not_encrypted: list  # laptops, tablets and phones not encrypted (9.5.2)
    last_checked_on: dt.date | None

    @property
    def is_stale(self) -> bool:
        """No check in the 12 months up to `on` (or nothing on the register)."""
        return self.last_checked_on is None or self.last_checked_on < add_years(self.on, -1)


def asset_figures(*, organisation, on: dt.date | None = None) -> AssetFigures:
    """The IT register's figures on `on` for 7.1.1, 8.1.4/8.2.1, 4.5.3 and 9.5.2 (one query)."""
    on = on or timezone.localdate()
    rows = list(ITAsset.objects.filter(organisation=organisation).in_use())
    unsupported = [a for a in rows if a.is_unsupported(on)]
    return AssetFigures(
        on=on,
        in_use=len(rows),
        unsupported=[a.name for a in unsupported],
        unsupported_without_risk=[a.name for a in unsupported if not a.risk_note.strip()],
        mfa_off=[a.name for a in rows if a.mfa == YesNo.NO],
        not_encrypted=[
            a.name for a in rows if a.kind in ("computer", "mobile") and a.encrypted == YesNo.NO
        ],
        last_checked_on=max((a.checked_on for a in rows), default=None),
    )
