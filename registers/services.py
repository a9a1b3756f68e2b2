"""Writes to the registers and the figures other apps read. Every change is recorded in
the organisation's activity log.

Other apps: `from registers.services import breaches_needing_report, sars_needing_attention,
register_figures, register_figures_many` (figures.py: what the registers say about items);
`home_registers` reads each register once for all of those on the home page.
"""

__all__ = [
    "AssetFigures",
    "BreachFigures",
    "RegisterFigures",
    "HomeRegisters",
    "SarFigures",
    "asset_figures",
    "breach_figures",
    "home_registers",
    "register_figures",
    "register_figures_many",
    "continuity_figures",
    "information_asset_figures",
    "sar_figures",
    "supplier_figures",
]

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from organisations.services import activity_record, changes_between

from .changes import YearChanges, changes_from
from .figures import (
    AssetFigures,
    BreachFigures,
    RegisterFigures,
    SarFigures,
    asset_figures,
    breach_figures,
    continuity_figures,
    figures_from,
    information_asset_figures,
    register_figures,
    register_figures_many,
    sar_figures,
    supplier_figures,
)
from .models import (
    Breach,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    Reporting,
    SubjectAccessRequest,
    Supplier,
)
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
SUPPLIER_FIELDS = [
    "name",
    "service",
    "contact",
    "handles_personal_data",
    "contract_terms",
    "certification",
    "admin_access",
    "admin_agreement_signed_on",
    "admin_agreement_document",
    "checked_on",
    "ended_on",
]
INFO_ASSET_FIELDS = [
    "name",
    "owner",
    "personal_data",
    "lawful_basis",
    "held_as",
    "where",
    "retention",
    "shared_with",
    "reviewed_on",
]
CONTINUITY_FIELDS = ["tested_on", "scenario", "description", "outcome", "lessons"]


def snapshot(entry) -> dict[str, Any]:
    fields = {
        Breach: BREACH_FIELDS,
        SubjectAccessRequest: SAR_FIELDS,
        ITAsset: ASSET_FIELDS,
        Supplier: SUPPLIER_FIELDS,
        InformationAsset: INFO_ASSET_FIELDS,
        ContinuityTest: CONTINUITY_FIELDS,
    }
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


# Each register's action prefix in the activity log and the fields it keeps.
AUDIT = {
    Breach: ("breach", BREACH_FIELDS),
    SubjectAccessRequest: ("sar", SAR_FIELDS),
    ITAsset: ("it_asset", ASSET_FIELDS),
    Supplier: ("supplier", SUPPLIER_FIELDS),
    InformationAsset: ("information_asset", INFO_ASSET_FIELDS),
    ContinuityTest: ("continuity_test", CONTINUITY_FIELDS),
}


@transaction.atomic
def entry_delete(*, entry, by, request=None) -> None:
    """Remove a register entry made in error. The log's `<action>.deleted` entry keeps
    everything it held ({field: [value, None]}), so nothing is lost without a trace."""
    action, fields = AUDIT[type(entry)]
    held = changes_between({}, entry, fields)  # {field: [None, value]} for each filled field
    activity_record(
        organisation=entry.organisation,
        actor=by,
        action=f"{action}.deleted",
        target=entry,
        changes={name: [value, None] for name, (_none, value) in held.items()},
        request=request,
    )
    entry.delete()


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


@transaction.atomic
def supplier_save(*, supplier: Supplier, before: dict[str, Any] | None, by, request=None):
    """Add a supplier to the register or save changes, and record what changed."""
    return _entry_save(
        entry=supplier,
        before=before,
        fields=SUPPLIER_FIELDS,
        action="supplier",
        by=by,
        request=request,
    )


@transaction.atomic
def information_asset_save(
    *, asset: InformationAsset, before: dict[str, Any] | None, by, request=None
):
    """Add an information asset or save changes, and record what changed."""
    return _entry_save(
        entry=asset,
        before=before,
        fields=INFO_ASSET_FIELDS,
        action="information_asset",
        by=by,
        request=request,
    )


@transaction.atomic
def continuity_test_save(*, test: ContinuityTest, before: dict[str, Any] | None, by, request=None):
    """Record a continuity plan test or save changes, and record what changed."""
    return _entry_save(
        entry=test,
        before=before,
        fields=CONTINUITY_FIELDS,
        action="continuity_test",
        by=by,
        request=request,
    )


def sars_needing_attention(*, organisation, today: dt.date | None = None) -> list:
    """Open requests overdue or due within a week, soonest first (the home page)."""
    today = today or timezone.localdate()
    return _sars_due(SubjectAccessRequest.objects.filter(organisation=organisation).open(), today)


def _sars_due(rows, today: dt.date) -> list:
    return sorted(
        (r for r in rows if r.completed_on is None and r.status(today) in ("overdue", "due_soon")),
        key=lambda r: r.due_on,
    )


def breaches_needing_report(*, organisation) -> list[Breach]:
    """Breaches with no reporting decision: the home page's most urgent next step."""
    return _clock_open(Breach.objects.filter(organisation=organisation).clock_open())


def _clock_open(rows) -> list[Breach]:
    return sorted(
        (b for b in rows if b.reporting == Reporting.NOT_DECIDED), key=lambda b: b.discovered_at
    )


@dataclass(frozen=True)
class HomeRegisters:
    """What the organisation home page reads of the registers."""

    figures: RegisterFigures  # `register_figures` (the outcome checks items against them)
    changes: YearChanges  # `year_changes`
    breaches_open: list  # `breaches_needing_report`
    sars_due: list  # `sars_needing_attention`


def home_registers(
    *, organisation, last_published_on: dt.date | None, today: dt.date | None = None
) -> HomeRegisters:
    """The figures, what changed this year, breaches to decide and requests due, from one
    read of each register (six queries, instead of one per use: 13)."""
    today = today or timezone.localdate()

    def rows(model) -> list:
        return list(model.objects.filter(organisation=organisation))

    breaches, sars = rows(Breach), rows(SubjectAccessRequest)
    assets, suppliers = rows(ITAsset), rows(Supplier)
    information, continuity = rows(InformationAsset), rows(ContinuityTest)
    return HomeRegisters(
        figures=figures_from(
            breaches=breaches,
            assets=assets,
            suppliers=suppliers,
            information=information,
            continuity=continuity,
            on=today,
        ),
        changes=changes_from(
            organisation=organisation,
            last_published_on=last_published_on,
            today=today,
            breaches=breaches,
            sars=sars,
            assets=assets,
            suppliers=suppliers,
            information=information,
            continuity=continuity,
        ),
        breaches_open=_clock_open(breaches),
        sars_due=_sars_due(sars, today),
    )


def entries_import(*, check, organisation, by, request=None) -> int:
    """Save every checked row of an import as a new entry (all or none), each recorded."""
    saver = {
        Breach: lambda e: breach_save(breach=e, before=None, by=by, request=request),
        SubjectAccessRequest: lambda e: sar_save(sar=e, before=None, by=by, request=request),
        ITAsset: lambda e: it_asset_save(asset=e, before=None, by=by, request=request),
        Supplier: lambda e: supplier_save(supplier=e, before=None, by=by, request=request),
        ContinuityTest: lambda e: continuity_test_save(test=e, before=None, by=by, request=request),
        InformationAsset: lambda e: information_asset_save(
            asset=e, before=None, by=by, request=request
        ),
    }

    def save(entry) -> None:
        entry.organisation = organisation
        saver[type(entry)](entry)

    return import_save(check, save=save)
