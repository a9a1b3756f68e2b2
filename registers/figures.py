"""What the registers say about the items they answer, on a date (docs/dspt-rules.md,
"Registers"). The item page shows these figures; the verdict (assessments/verdict.py) uses
them the way it uses the training register: only for a register that has entries."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from evidence.models import add_years

from .models import (
    Breach,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    PeopleTold,
    Reporting,
    Risk,
    Scenario,
    SubjectAccessRequest,
    Supplier,
    YesNo,
)


@dataclass(frozen=True)
class BreachFigures:
    """The log's figures for 6.1.x over the 12 months up to `on`."""

    on: dt.date
    total: int
    not_signed_off: list[str]  # titles (6.1.2)
    high_risk: int
    high_risk_not_told: list[str]  # titles (6.1.3)
    clock_open: int


def _breach_figures(rows, on: dt.date) -> BreachFigures:
    start = add_years(on, -1)
    rows = [b for b in rows if start <= timezone.localdate(b.discovered_at) <= on]
    return BreachFigures(
        on=on,
        total=len(rows),
        not_signed_off=[b.title for b in rows if not b.is_signed_off],
        high_risk=sum(b.risk == Risk.HIGH for b in rows),
        high_risk_not_told=[
            b.title for b in rows if b.risk == Risk.HIGH and b.people_told != PeopleTold.TOLD
        ],
        clock_open=sum(b.reporting == Reporting.NOT_DECIDED for b in rows),
    )


def breach_figures(*, organisation, on: dt.date | None = None) -> BreachFigures:
    """Counts for breaches found in the 12 months up to `on` (one query)."""
    on = on or timezone.localdate()
    rows = Breach.objects.filter(organisation=organisation).order_by("discovered_at")
    return _breach_figures(list(rows), on)


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


@dataclass(frozen=True)
class AssetFigures:
    on: dt.date
    in_use: int
    unsupported: list[str]  # names of unsupported systems in use (8.1.4)
    unsupported_without_risk: list[str]  # ... with no risk record (8.2.1)
    mfa_off: list[str]  # MFA "no" (4.5.3)
    not_encrypted: list[str]  # computers, tablets and phones not encrypted (9.5.2)
    last_checked_on: dt.date | None
    tablets_and_phones: tuple[str, ...] = ()  # in use (9.5.2 'not applicable' says none)

    @property
    def is_stale(self) -> bool:
        """No check in the 12 months up to `on` (or nothing on the register)."""
        return self.last_checked_on is None or self.last_checked_on < add_years(self.on, -1)


def _asset_figures(rows, on: dt.date) -> AssetFigures:
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
        last_checked_on=max((a.checked_on for a in rows if a.checked_on <= on), default=None),
        tablets_and_phones=tuple(a.name for a in rows if a.kind == "mobile"),
    )


def asset_figures(*, organisation, on: dt.date | None = None) -> AssetFigures:
    """The IT register's figures on `on` for 7.1.1, 8.1.4/8.2.1, 4.5.3 and 9.5.2 (one query)."""
    on = on or timezone.localdate()
    return _asset_figures(list(ITAsset.objects.filter(organisation=organisation).in_use()), on)


@dataclass(frozen=True)
class SupplierFigures:
    on: dt.date
    in_use: int
    personal_data: int
    no_contract_terms: list[str]  # handle personal data, contract has no Article 28 terms
    admin_without_agreement: list[str]  # administrator access, no agreement signed (4.3.1)
    last_checked_on: dt.date | None

    @property
    def is_stale(self) -> bool:
        return self.last_checked_on is None or self.last_checked_on < add_years(self.on, -1)


def _supplier_figures(rows, on: dt.date) -> SupplierFigures:
    return SupplierFigures(
        on=on,
        in_use=len(rows),
        personal_data=sum(s.handles_personal_data for s in rows),
        no_contract_terms=[
            s.name for s in rows if s.handles_personal_data and s.contract_terms == YesNo.NO
        ],
        admin_without_agreement=[s.name for s in rows if s.needs_admin_agreement],
        last_checked_on=max((s.checked_on for s in rows if s.checked_on <= on), default=None),
    )


def supplier_figures(*, organisation, on: dt.date | None = None) -> SupplierFigures:
    on = on or timezone.localdate()
    rows = Supplier.objects.filter(organisation=organisation, ended_on__isnull=True)
    return _supplier_figures(list(rows), on)


@dataclass(frozen=True)
class InformationAssetFigures:
    on: dt.date
    total: int
    no_lawful_basis: list[str]
    last_reviewed_on: dt.date | None

    @property
    def is_stale(self) -> bool:
        """No management review in the 12 months up to `on` (1.1.2)."""
        return self.last_reviewed_on is None or self.last_reviewed_on < add_years(self.on, -1)


def _information_asset_figures(rows, on: dt.date) -> InformationAssetFigures:
    return InformationAssetFigures(
        on=on,
        total=len(rows),
        no_lawful_basis=[a.name for a in rows if not a.lawful_basis],
        last_reviewed_on=max((a.reviewed_on for a in rows if a.reviewed_on <= on), default=None),
    )


def information_asset_figures(*, organisation, on: dt.date | None = None):
    on = on or timezone.localdate()
    rows = InformationAsset.objects.filter(organisation=organisation)
    return _information_asset_figures(list(rows), on)


@dataclass(frozen=True)
class ContinuityFigures:
    on: dt.date
    total: int
    last_tested_on: dt.date | None
    last_cyber_test_on: dt.date | None

    @property
    def is_stale(self) -> bool:
        """No test in the 12 months up to `on` (7.2.1)."""
        return self.last_tested_on is None or self.last_tested_on < add_years(self.on, -1)

    @property
    def cyber_is_stale(self) -> bool:
        last = self.last_cyber_test_on
        return last is None or last < add_years(self.on, -1)


def _continuity_figures(rows, on: dt.date) -> ContinuityFigures:
    rows = [t for t in rows if t.tested_on <= on]
    return ContinuityFigures(
        on=on,
        total=len(rows),
        last_tested_on=max((t.tested_on for t in rows), default=None),
        last_cyber_test_on=max(
            (t.tested_on for t in rows if t.scenario == Scenario.CYBER), default=None
        ),
    )


def continuity_figures(*, organisation, on: dt.date | None = None) -> ContinuityFigures:
    on = on or timezone.localdate()
    rows = ContinuityTest.objects.filter(organisation=organisation).only("tested_on", "scenario")
    return _continuity_figures(list(rows), on)


@dataclass(frozen=True)
class RegisterFigures:
    """Each register's figures on a date, or None for a register with no entries."""

    breaches: BreachFigures | None = None
    assets: AssetFigures | None = None
    suppliers: SupplierFigures | None = None
    information: InformationAssetFigures | None = None
    continuity: ContinuityFigures | None = None


def register_figures_many(
    *, organisation_ids: list[int], on: dt.date
) -> dict[int, RegisterFigures]:
    """`register_figures` for many organisations in five queries (the portfolio's outcomes)."""
    breaches: dict[int, list] = {}
    for b in Breach.objects.filter(organisation_id__in=organisation_ids).only(
        "organisation_id",
        "title",
        "discovered_at",
        "risk",
        "signed_off_by",
        "signed_off_on",
        "people_told",
        "reporting",
    ):
        breaches.setdefault(b.organisation_id, []).append(b)
    assets: dict[int, list] = {}
    for a in ITAsset.objects.filter(organisation_id__in=organisation_ids).in_use():
        assets.setdefault(a.organisation_id, []).append(a)
    suppliers: dict[int, list] = {}
    for s in Supplier.objects.filter(organisation_id__in=organisation_ids, ended_on__isnull=True):
        suppliers.setdefault(s.organisation_id, []).append(s)
    information: dict[int, list] = {}
    for i in InformationAsset.objects.filter(organisation_id__in=organisation_ids).only(
        "organisation_id", "name", "lawful_basis", "reviewed_on"
    ):
        information.setdefault(i.organisation_id, []).append(i)
    continuity: dict[int, list] = {}
    for t in ContinuityTest.objects.filter(organisation_id__in=organisation_ids).only(
        "organisation_id", "tested_on", "scenario"
    ):
        continuity.setdefault(t.organisation_id, []).append(t)
    return {
        org_id: figures_from(
            breaches=breaches.get(org_id, ()),
            assets=assets.get(org_id, ()),
            suppliers=suppliers.get(org_id, ()),
            information=information.get(org_id, ()),
            continuity=continuity.get(org_id, ()),
            on=on,
        )
        for org_id in organisation_ids
    }


def figures_from(*, breaches, assets, suppliers, information, continuity, on) -> RegisterFigures:
    """`register_figures` from one organisation's register rows read already (each register
    in its own order; IT systems no longer used and suppliers ended are left out here)."""
    assets = [a for a in assets if a.retired_on is None]
    suppliers = [s for s in suppliers if s.ended_on is None]
    return RegisterFigures(
        breaches=_breach_figures(breaches, on) if breaches else None,
        assets=_asset_figures(assets, on) if assets else None,
        suppliers=_supplier_figures(suppliers, on) if suppliers else None,
        continuity=_continuity_figures(continuity, on) if continuity else None,
        information=_information_asset_figures(information, on) if information else None,
    )


def register_figures(*, organisation, on: dt.date | None = None) -> RegisterFigures:
    """Every register's figures on `on` (five queries)."""
    on = on or timezone.localdate()
    return register_figures_many(organisation_ids=[organisation.pk], on=on)[organisation.pk]
