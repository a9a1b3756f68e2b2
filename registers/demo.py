"""Demo register entries for Meadowbank House ('vn4k2'), dated relative to the day seed_demo
runs: a breach still inside its 72-hour clock, a subject access request due within a week,
an IT system past its supported-until date, and a few ordinary entries in each register.
They agree with the demo assessment's answers (no high-risk breach for 6.1.3's 'not
applicable', every breach signed off), except 8.2.1: its 'not applicable' is contradicted by
the unsupported office PC, one of the demo's warnings. Idempotent: each entry is found by
its name or title and left alone when it exists."""

import datetime as dt

from django.utils import timezone

from .models import (
    AssetKind,
    Breach,
    ContinuityTest,
    HeldAs,
    InformationAsset,
    ITAsset,
    LawfulBasis,
    PeopleTold,
    Reporting,
    Risk,
    Scenario,
    SubjectAccessRequest,
    Supplier,
    YesNo,
)

ORG = "vn4k2"


def _breaches(now: dt.datetime, today: dt.date) -> list[dict]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    return [
        {
            "title": "Handover sheet left on the bus",
            "description": "A night carer lost the printed handover sheet (names and room "
            "numbers of 12 residents, two with medication notes) on the way home.",
            "discovered_at": now - dt.timedelta(hours=20),
            "people_affected": 12,
            "risk": Risk.MEDIUM,
            "actions": "Bus company and police told; handover sheets now stay in the building.",
            "signed_off_by": "Registered Manager",
            "signed_off_on": today,
        },  # 72-hour clock running
        {
            "title": "Care plan emailed to the wrong family",
            "description": "A care plan summary went to a relative with a similar name.",
            "discovered_at": now - dt.timedelta(days=74),
            "people_affected": 1,
            "risk": Risk.MEDIUM,
            "actions": "Recipient deleted it and confirmed in writing; email addresses are "
            "now checked by a second person.",
            "signed_off_by": "Registered Manager",
            "signed_off_on": ago(72),
            "reporting": Reporting.TOOLKIT,
            "reported_at": now - dt.timedelta(days=73),
            "reporting_notes": "Incident reference DSPT-2026-0413",
            "people_told": PeopleTold.TOLD,
            "people_told_on": ago(73),
        },
        {
            "title": "Office door left unlocked overnight",
            "description": "Filing cabinet was locked; nothing taken.",
            "discovered_at": now - dt.timedelta(days=150),
            "risk": Risk.LOW,
            "actions": "Door closer fitted; lock check added to the night checklist.",
            "signed_off_by": "Registered Manager",
            "signed_off_on": ago(148),
            "reporting": Reporting.NOT_REPORTABLE,
            "reporting_notes": "Near miss: no personal data left the building.",
            "people_told": PeopleTold.NOT_NEEDED,
        },
    ]


def _requests(today: dt.date) -> list[dict]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    return [
        {
            "requester": "Resident's son, room 7",
            "received_on": ago(25),
            "identity_checked_on": ago(23),
            "notes": "Wants a copy of his father's care records since admission.",
        },  # due within a week
        {
            "requester": "Former care assistant",
            "received_on": ago(120),
            "identity_checked_on": ago(119),
            "completed_on": ago(100),
            "notes": "Copy of personnel file sent by recorded delivery.",
        },
    ]


def _it_assets(today: dt.date) -> list[dict]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    return [
        {
            "name": "Care planning app",
            "kind": AssetKind.SOFTWARE,
            "supplier": "CarePlan Cloud Ltd",
            "supported_until": today + dt.timedelta(days=700),
            "mfa": YesNo.YES,
            "encrypted": YesNo.YES,
            "checked_on": ago(40),
        },
        {
            "name": "eMAR tablets (x4)",
            "kind": AssetKind.MOBILE,
            "supplier": "Samsung",
            "supported_until": today + dt.timedelta(days=400),
            "mfa": YesNo.NOT_APPLICABLE,
            "encrypted": YesNo.YES,
            "checked_on": ago(40),
        },
        {
            "name": "Office PC (Windows 10)",
            "kind": AssetKind.COMPUTER,
            "supplier": "Dell",
            "supported_until": ago(50),
            "mfa": YesNo.NO,
            "encrypted": YesNo.YES,
            "backups_tested_on": ago(90),
            "risk_note": "Used only for rotas, no care records; replacement ordered. "
            "Approved by the Registered Manager.",
            "checked_on": ago(40),
        },  # past its supported-until date
        {
            "name": "Office router",
            "kind": AssetKind.NETWORK,
            "supplier": "BT",
            "supported_until": today + dt.timedelta(days=900),
            "checked_on": ago(40),
        },
    ]


def _suppliers(today: dt.date) -> list[dict]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    return [
        {
            "name": "Harrogate IT Support",
            "service": "IT support",
            "contact": "help@harrogate-it.example",
            "contract_terms": YesNo.YES,
            "certification": "Cyber Essentials Plus",
            "admin_access": True,
            "admin_agreement_signed_on": ago(200),
            "checked_on": ago(60),
        },
        {
            "name": "CarePlan Cloud Ltd",
            "service": "Care planning system",
            "contract_terms": YesNo.YES,
            "certification": "ISO 27001",
            "checked_on": ago(60),
        },
        {
            "name": "Payroll Bureau",
            "service": "Payroll",
            "contract_terms": YesNo.YES,
            "checked_on": ago(60),
        },
    ]


def _information_assets(today: dt.date) -> list[dict]:
    reviewed = today - dt.timedelta(days=60)
    return [
        {
            "name": "Care plans",
            "owner": "Registered Manager",
            "personal_data": "Names, health, medication, next of kin",
            "lawful_basis": LawfulBasis.LEGAL_OBLIGATION,
            "held_as": HeldAs.SYSTEM,
            "where": "Care planning app",
            "retention": "8 years after death",
            "shared_with": "GP and district nurses by NHSmail",
            "reviewed_on": reviewed,
        },
        {
            "name": "Medication records",
            "owner": "Deputy Manager",
            "personal_data": "Names, medication, allergies",
            "lawful_basis": LawfulBasis.LEGAL_OBLIGATION,
            "held_as": HeldAs.SYSTEM,
            "where": "eMAR tablets",
            "retention": "8 years after death",
            "shared_with": "Pharmacy via eMAR",
            "reviewed_on": reviewed,
        },
        {
            "name": "Staff files",
            "owner": "Administrator",
            "personal_data": "Names, addresses, references, DBS checks",
            "lawful_basis": LawfulBasis.CONTRACT,
            "held_as": HeldAs.MIXED,
            "where": "Locked cabinet in the office; payroll bureau",
            "retention": "6 years after leaving",
            "shared_with": "Payroll bureau by secure portal",
            "reviewed_on": reviewed,
        },
    ]


def _continuity_tests(today: dt.date) -> list[dict]:
    return [
        {
            "tested_on": today - dt.timedelta(days=95),
            "scenario": Scenario.CYBER,
            "description": "Tabletop exercise: ransomware locks the office PC and email.",
            "outcome": "Staff found the paper contact list; the IT support number was out of date.",
            "lessons": "Contact list updated and laminated copies put in the nurses' station.",
        },
        {
            "tested_on": today - dt.timedelta(days=210),
            "scenario": Scenario.INTERNET,
            "description": "Broadband down for a morning: switched to paper MAR charts.",
            "outcome": "Medication round finished on time.",
            "lessons": "Spare paper charts kept with the eMAR tablets.",
        },
    ]


def _entered(entry, now: dt.datetime) -> dt.datetime:
    day = next(
        getattr(entry, name)
        for name in ("discovered_at", "received_on", "tested_on", "checked_on", "reviewed_on")
        if hasattr(entry, name)
    )
    if isinstance(day, dt.datetime):
        return day
    return min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(11))))


def seed(demo) -> None:
    organisation = demo.organisations.get(ORG)
    if organisation is None:
        return
    by = demo.users.get("iglead")
    now = timezone.now()
    today = timezone.localdate()
    tables = [
        (Breach, "title", _breaches(now, today)),
        (SubjectAccessRequest, "requester", _requests(today)),
        (ITAsset, "name", _it_assets(today)),
        (Supplier, "name", _suppliers(today)),
        (InformationAsset, "name", _information_assets(today)),
        (ContinuityTest, "description", _continuity_tests(today)),
    ]
    count = 0
    for model, key, rows in tables:
        for row in rows:
            values = dict(row)
            lookup = {key: values.pop(key)}
            entry = model.objects.filter(organisation=organisation, **lookup).first()
            if entry is None:
                entry = model(organisation=organisation, created_by=by, **lookup, **values)
                entry.full_clean()
                entry.save()
                # Entered when it happened, so "What changed this year" reads as a year's
                # history rather than one afternoon's typing.
                entered = _entered(entry, now)
                model.objects.filter(pk=entry.pk).update(created_at=entered, updated_at=entered)
            count += 1
    demo.log.append(f"Registers: {count} entries for {organisation.name}")
