"""Demo assessments for `manage.py seed_demo`: Meadowbank mostly answered, Riverside begun,
Oakfield not started. Idempotent: an existing assessment is left exactly as it is."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from evidence import demo as evidence_demo
from evidence.models import Document

from .catalogue import bundled_catalogue_ensure
from .models import ActionStatus, DocumentLink, ImprovementAction, Response, ResponseStatus
from .plans import actions_suggest
from .services import assessment_start, current_dspt_year

# ref: (answer, narrative, owner, extra fields). The answer goes to the field the item's
# answer type uses: True for a confirmation, text for text and document items.
MEADOWBANK = {
    "1.1.1": ("ZA381902", "Registration renewed by direct debit on 2 April 2026.", "manager", {}),
    "1.1.2": (
        "Shared drive > Governance > Information asset register v3",
        "Reviewed and signed off by Priya Shah and Margaret Ellis at the governance "
        "meeting on 14 January 2026 (minutes item 4).",
        "iglead",
        {"answer_date": dt.date(2026, 1, 14)},
    ),
    "1.1.3": (
        "Website privacy page and reception noticeboard; staff notice in the handbook, "
        "section 2 (both v4, reviewed February 2026)",
        "",
        "iglead",
        {},
    ),
    "1.1.5": (
        "Director (Margaret Ellis). Assigned in the job description, section 3, and "
        "recorded in board minutes of 9 September 2025.",
        "",
        "manager",
        {},
    ),
    "1.1.6": (True, "Consent process reviewed by the IG lead on 3 March 2026.", "iglead", {}),
    "1.2.4": (
        True,
        "Data Protection Policy v4 section 7 and the privacy notice paragraph 5 cover the "
        "opt-out (reviewed February 2026).",
        "iglead",
        {},
    ),
    # A vague answer, so the warnings show in the demo.
    "1.3.1": (True, "Policy attached", "iglead", {"answer_date": dt.date(2025, 10, 1)}),
    "1.3.2": (
        True,
        "Clear-desk and screen-lock spot checks on 11 February 2026; two actions recorded "
        "in the audit log and closed by 1 March.",
        "manager",
        {"answer_date": dt.date(2026, 2, 11)},
    ),
    "1.3.7": (
        True,
        "Data Protection Policy v4, section 4 (access, storage, sharing and disposal), "
        "reviewed February 2026.",
        "iglead",
        {},
    ),
    "1.3.8": (
        True,
        "Data Protection Policy v4, section 9 describes when we do a DPIA.",
        "iglead",
        {},
    ),
    "1.3.12": (
        "Care staff take only the daily handover sheet on visits to hospital, in a locked "
        "document wallet (Records Policy v2, section 5).",
        "",
        "manager",
        {},
    ),
    "1.3.13": (
        "Key-code lock on the office, locked filing cabinets for care records, clear-desk "
        "rule; checked at the spot check on 11 February 2026.",
        "",
        "manager",
        {},
    ),
    "1.4.1": (True, "Retention schedule v2 (May 2025) follows the 2021 Code.", "iglead", {}),
    "1.4.2": (
        True,
        "Shred-it collects the locked console monthly under a contract dated 3 June 2025; "
        "destruction certificates are kept in the Governance folder.",
        "iglead",
        {},
    ),
    "1.4.3": (
        "Cross-cut shredder in the office; old devices wiped by our IT supplier with a "
        "certificate kept in the IT folder.",
        "",
        "iglead",
        {},
    ),
    "2.1.1": (
        True,
        "Induction day 1 includes the data security session (induction pack section 4); "
        "completion recorded on the training matrix.",
        "manager",
        {},
    ),
    # Another vague one.
    "2.2.1": (True, "See policy", "manager", {}),
    "3.1.1": (
        True,
        "Training needs analysis by the IG lead on 20 January 2026.",
        "iglead",
        {"answer_date": dt.date(2026, 1, 20)},
    ),
    "3.2.1": (
        True,
        "Training matrix checked 1 March 2026: 40 of 42 people trained in the last 12 months.",
        "iglead",
        {"answer_number": Decimal("95.2")},
    ),
    "3.4.1": (True, "IG lead completed the BSBC IG lead course on 5 November 2025.", "iglead", {}),
    "4.1.1": (
        True,
        "Staff list in the rota system, checked monthly by the administrator.",
        "manager",
        {},
    ),
    "4.2.4": (
        True,
        "Leavers checklist (HR folder) removes email and care system access on the last "
        "day; last audit 2 March 2026 found no leftover accounts.",
        "iglead",
        {},
    ),
    "4.5.3": (True, "MFA on email and the care planning system since June 2025.", "iglead", {}),
    "5.1.1": (
        True,
        "One near miss (misdirected email, 12 October 2025): process reviewed 20 October.",
        "iglead",
        {},
    ),
    "6.1.1": (
        True,
        "Incident form on the staff noticeboard and in the handbook section 6.",
        "manager",
        {},
    ),
    "6.1.2": (
        True,
        "Director told on 12 October 2025 and approved the actions on 20 October 2025.",
        "manager",
        {},
    ),
    "6.1.3": (
        None,
        "",
        "manager",
        {
            "not_applicable": True,
            "na_reason": "No high-risk breach in the last 12 months "
            "(incident log checked 1 March 2026).",
        },
    ),
    "6.2.1": (
        True,
        "Managed anti-virus by our IT supplier; all devices checked 2 March 2026.",
        "iglead",
        {},
    ),
    "7.1.1": (
        "Shared drive > IT > Asset register (combined with the IAR), reviewed 14 January 2026",
        "",
        "iglead",
        {"answer_date": dt.date(2026, 1, 14)},
    ),
    "7.1.2": (True, "Business continuity plan v5 (December 2025), sections 3 to 7.", "manager", {}),
    "7.3.2": (
        True,
        "Paper contact list in the grab bag at reception, checked 1 March 2026.",
        "manager",
        {},
    ),
    "8.1.4": (True, "Asset register review with our IT supplier on 14 January 2026.", "iglead", {}),
    "8.2.1": (
        None,
        "",
        "iglead",
        {
            "not_applicable": True,
            "na_reason": "All systems are supported (asset register review 14 January 2026).",
        },
    ),
    "8.3.1": (
        "IT supplier contract schedule 2: critical updates within 14 days",
        "",
        "iglead",
        {},
    ),
    "9.5.2": (True, "Laptops use BitLocker; tablets are managed and encrypted.", "iglead", {}),
    "10.1.2": (
        True,
        "Supplier list in the governance folder, reviewed January 2026.",
        "manager",
        {},
    ),
    "10.2.1": (
        True,
        "All three IT suppliers hold Cyber Essentials Plus (checked January 2026).",
        "iglead",
        {},
    ),
}
# Left for the demo's "what is left": 4.3.1, 7.2.1, 7.3.4, 9.1.1 (Standards Met) and most
# optional items.

RIVERSIDE = {
    ref: MEADOWBANK[ref] for ref in ("1.1.1", "1.1.5", "1.3.8", "2.1.1", "4.1.1", "6.1.1", "10.1.2")
}


def _fill(assessment, answers: dict, users: dict, default_owner) -> None:
    for r in assessment.responses.select_related("item"):
        if r.item.ref not in answers:
            continue
        value, narrative, owner, extra = answers[r.item.ref]
        if value is True:
            r.answer_confirmed = True
        elif isinstance(value, str):
            r.answer_text = value
        r.narrative = narrative
        for name, v in extra.items():
            setattr(r, name, v)
        r.owner = users.get(owner, default_owner)
        r.status = ResponseStatus.DONE if r.is_answered else ResponseStatus.IN_PROGRESS
        r.updated_by = r.owner
        r.save()


def seed(demo) -> None:
    catalogue = bundled_catalogue_ensure()
    users = demo.users
    plans = [
        ("vn4k2", MEADOWBANK, users.get("iglead"), users.get("manager")),
        ("a7q2k", RIVERSIDE, users.get("riverside"), users.get("riverside")),
    ]
    for slug, answers, owner, starter in plans:
        organisation = demo.organisations[slug]
        if organisation.assessments.filter(dspt_year=current_dspt_year(catalogue)).exists():
            continue
        assessment = assessment_start(organisation=organisation, catalogue=catalogue, by=starter)
        # Meadowbank shares items between the manager and the IG lead; elsewhere one person.
        owners = {k: users[k] for k in ("manager", "iglead")} if slug == "vn4k2" else {}
        _fill(assessment, answers, owners, owner)
        demo.log.append(f"{organisation.name}: DSPT {assessment.year_label} assessment started")
        if slug == "vn4k2":
            _plan(assessment, starter)
    _link_documents(demo)


def _link_documents(demo) -> None:
    """Link Meadowbank's demo documents (evidence/demo.py) to the items they back."""
    organisation = demo.organisations.get(evidence_demo.ORG)
    if organisation is None:
        return
    assessment = organisation.assessments.order_by("-dspt_year").first()
    if assessment is None:
        return
    for title, _kind, _days, _file, refs in evidence_demo.DOCUMENTS:
        document = Document.objects.filter(organisation=organisation, title=title).first()
        if document is None:
            continue
        for response in Response.objects.filter(assessment=assessment, item__ref__in=refs):
            DocumentLink.objects.get_or_create(
                organisation=organisation,
                document=document,
                response=response,
                defaults={"created_by": demo.users.get("iglead")},
            )


def _plan(assessment, by) -> None:
    """Meadowbank's improvement plan: an action per unmet item, one overdue, one done."""
    today = timezone.localdate()
    actions = actions_suggest(assessment=assessment, by=by)
    if actions:
        late = actions[0]
        late.target_date = today - dt.timedelta(days=12)
        late.status = ActionStatus.IN_PROGRESS
        late.save()
    ImprovementAction.objects.create(
        organisation=assessment.organisation,
        assessment=assessment,
        title="Replace the reception PC that still runs Windows 8.1",
        owner=by,
        target_date=today - dt.timedelta(days=20),
        status=ActionStatus.DONE,
        completed_on=today - dt.timedelta(days=25),
        completion_note="New PC installed by our IT supplier; old disk shredded "
        "(certificate in the IT folder).",
    )
