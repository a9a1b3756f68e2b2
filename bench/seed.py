"""Seed the bench database: organisations with full assessments, by COPY.

Each organisation gets an IG lead (an admin who is also the senior accountable person),
an assessment for the current DSPT year with every item answered (one home in four has
some mandatory items still open, so the dashboards show a mix of outcomes), 30 documents
with 45 versions (one small PDF on disk shared by all), document items linked to a
document, 40 staff on the training register (38 trained), 3 improvement actions and some
activity. Consultants advise the first 5, 50 and 500 homes; a platform staff user sees all.
`seed(count, start)` adds homes `start .. start+count-1`, so a run can grow from N to 10×N.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.storage import storages
from django.utils import timezone

from .copy import copy_rows, model, reserve_ids

PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway accounts on a throwaway database
SAMPLE_KEY = "bench/sample-policy.pdf"
DOCUMENTS = [
    ("Data protection policy", "policy"),
    ("Data security policy", "policy"),
    ("Records management policy", "policy"),
    ("Confidentiality policy", "policy"),
    ("Acceptable use policy", "policy"),
    ("Business continuity plan", "procedure"),
    ("Incident reporting procedure", "procedure"),
    ("Subject access procedure", "procedure"),
    ("Backup procedure", "procedure"),
    ("Password procedure", "procedure"),
    ("Staff training log", "training_record"),
    ("Induction checklist", "training_record"),
    ("Information asset register", "register"),
    ("Data flow map", "register"),
    ("Record of processing activities", "register"),
    ("Breach log", "log"),
    ("Spot check log", "log"),
    ("Access review log", "log"),
    ("Backup test log", "log"),
    ("Continuity test log", "log"),
    ("Data processing agreement template", "contract_template"),
    ("Supplier contract template", "contract_template"),
    ("Cyber Essentials certificate", "certificate"),
    ("Antivirus dashboard", "screenshot"),
    ("Firewall settings", "screenshot"),
    ("Device list", "register"),
    ("Privacy notice", "policy"),
    ("CCTV policy", "policy"),
    ("Remote working policy", "policy"),
    ("Smartcard register", "register"),
]
STAFF = 40
TRAINED = 38
CONSULTANT_HOMES = (5, 50, 500)


def _sample_file() -> int:
    """One small PDF on private storage that every seeded version points at."""
    storage = storages["default"]
    body = b"%PDF-1.4\n% bench sample\n" + b"0" * 120_000 + b"\n%%EOF\n"
    if not storage.exists(SAMPLE_KEY):
        storage.save(SAMPLE_KEY, _content(body))
    return len(body)


def _content(body: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(body)


def _answer(item, i: int, today: dt.date, open_item: bool) -> dict:
    if open_item:
        return {"status": "in_progress"}
    answer = {"status": "done"}
    if item.app_hint == "percentage":
        answer["answer_number"] = Decimal("95.00")
    if item.app_hint == "date" or item.answer_type == "date":
        answer["answer_date"] = today - dt.timedelta(days=30 + (i % 200))
    if item.answer_type == "confirmation":
        answer["answer_confirmed"] = True
    elif item.answer_type in ("text", "document"):
        answer["answer_text"] = (
            f"The registered manager keeps this in the IG folder, section {item.ref}; "
            f"last checked by the deputy manager on {today - dt.timedelta(days=40):%d %B %Y}."
        )
    elif item.answer_type == "number" and "answer_number" not in answer:
        answer["answer_number"] = Decimal("12")
    answer["narrative"] = "We do this every month and record it in the manager's log."
    return answer


def catalogue():
    from assessments.catalogue import bundled_catalogue_ensure

    return bundled_catalogue_ensure()


def seed(count: int, start: int = 0, *, today: dt.date | None = None) -> dict:
    """Add homes `start .. start+count-1` with everything listed above."""
    from dspt_portal.deadlines import dspt_deadline

    today = today or timezone.localdate()
    now = timezone.now()
    deadline = dspt_deadline(today)
    version = catalogue()
    items = list(version.items.order_by("sort_key"))
    mandatory = [it for it in items if it.level != "non_mandatory"]
    size = _sample_file()
    password = make_password(PASSWORD)
    Organisation, User, Membership = model("Organisation"), model("User"), model("Membership")
    Assessment, Response = model("Assessment"), model("Response")
    Document, Version, Link = model("Document"), model("DocumentVersion"), model("DocumentLink")
    Staff, Training = model("StaffMember"), model("TrainingRecord")
    Action, ActionItem, Activity = (
        model("ImprovementAction"),
        model("ImprovementActionItem"),
        model("ActivityLog"),
    )
    homes = range(start, start + count)
    org_ids = reserve_ids(Organisation, count)
    user_ids = reserve_ids(User, count)
    copy_rows(
        User,
        (
            {
                "id": uid,
                "password": password,
                "email": f"lead{i}@bench.invalid",
                "full_name": f"Lead {i}",
                "is_active": True,
                "date_joined": now,
            }
            for i, uid in zip(homes, user_ids, strict=True)
        ),
    )
    copy_rows(
        Organisation,
        (
            {
                "id": oid,
                "name": f"Bench Care Home {i:05d}",
                "slug": f"bench-{i}",
                "ods_code": f"VB{i:05d}",
                "ig_lead_id": uid,
                "senior_accountable_person_id": uid,
                "staff_headcount": STAFF,
            }
            for i, oid, uid in zip(homes, org_ids, user_ids, strict=True)
        ),
    )
    copy_rows(
        Membership,
        (
            {"organisation_id": oid, "user_id": uid, "role": "admin", "created_at": now}
            for oid, uid in zip(org_ids, user_ids, strict=True)
        ),
    )
    assessment_ids = reserve_ids(Assessment, count)
    copy_rows(
        Assessment,
        (
            {
                "id": aid,
                "organisation_id": oid,
                "catalogue_id": version.pk,
                "dspt_year": deadline.year,
                "deadline": deadline,
                "status": "draft",
                "created_by_id": uid,
            }
            for aid, oid, uid in zip(assessment_ids, org_ids, user_ids, strict=True)
        ),
    )
    response_ids = reserve_ids(Response, count * len(items))
    responses = {}  # (home index, item ref) -> response id
    rows = []
    ids = iter(response_ids)
    for i, oid, aid, uid in zip(homes, org_ids, assessment_ids, user_ids, strict=True):
        open_refs = {it.ref for it in mandatory[i % 7 :: 5]} if i % 4 == 3 else set()
        for item in items:
            rid = next(ids)
            responses[(i, item.ref)] = rid
            rows.append(
                {
                    "id": rid,
                    "organisation_id": oid,
                    "assessment_id": aid,
                    "item_id": item.pk,
                    "owner_id": uid,
                    "updated_by_id": uid,
                    **_answer(item, i, today, item.ref in open_refs),
                }
            )
    copy_rows(Response, rows)
    document_ids = reserve_ids(Document, count * len(DOCUMENTS))
    docs, versions, links = [], [], []
    ids = iter(document_ids)
    document_items = [it for it in items if it.answer_type == "document"]
    for i, oid, uid in zip(homes, org_ids, user_ids, strict=True):
        first = None
        for d, (title, kind) in enumerate(DOCUMENTS):
            did = next(ids)
            first = first or did
            reviewed = today - dt.timedelta(days=(i * 7 + d * 13) % 330)
            due = reviewed + dt.timedelta(days=3 * 365 if kind == "policy" else 365)
            if d in (3, 17):  # two reviews overdue in every home
                due = today - dt.timedelta(days=10 + d)
            docs.append(
                {
                    "id": did,
                    "organisation_id": oid,
                    "title": title,
                    "kind": kind,
                    "owner_id": uid,
                    "effective_on": reviewed,
                    "last_reviewed_on": reviewed,
                    "next_review_due": due,
                    "created_by_id": uid,
                }
            )
            for number in (1, 2) if d % 2 == 0 else (1,):
                versions.append(
                    {
                        "organisation_id": oid,
                        "document_id": did,
                        "number": number,
                        "file": SAMPLE_KEY,
                        "original_name": f"{title} v{number}.pdf",
                        "size": size,
                        "content_type": "application/pdf",
                        "sha256": "0" * 64,
                        "uploaded_by_id": uid,
                        "uploaded_at": now,
                    }
                )
        for n, item in enumerate(document_items):
            links.append(
                {
                    "organisation_id": oid,
                    "document_id": first + n,
                    "response_id": responses[(i, item.ref)],
                    "created_by_id": uid,
                }
            )
    copy_rows(Document, docs)
    copy_rows(Version, versions)
    copy_rows(Link, links)
    staff_ids = reserve_ids(Staff, count * STAFF)
    ids = iter(staff_ids)
    staff, training = [], []
    for i, oid in zip(homes, org_ids, strict=True):
        for s in range(STAFF):
            sid = next(ids)
            staff.append(
                {
                    "id": sid,
                    "organisation_id": oid,
                    "name": f"Staff member {s + 1}",
                    "job_title": "Care assistant",
                    "started_on": today - dt.timedelta(days=400 + s),
                    "has_data_access": True,
                }
            )
            if s < TRAINED:
                training.append(
                    {
                        "organisation_id": oid,
                        "staff_member_id": sid,
                        "completed_on": today - dt.timedelta(days=(i + s * 9) % 300),
                    }
                )
    copy_rows(Staff, staff)
    copy_rows(Training, training)
    action_ids = reserve_ids(Action, count * 3)
    ids = iter(action_ids)
    actions, action_items, activity = [], [], []
    first_item = items[0].ref
    for i, oid, aid, uid in zip(homes, org_ids, assessment_ids, user_ids, strict=True):
        for status, days in (("done", -60), ("to_do", -5), ("in_progress", 45)):
            xid = next(ids)
            actions.append(
                {
                    "id": xid,
                    "organisation_id": oid,
                    "assessment_id": aid,
                    "title": f"Review the {status.replace('_', ' ')} items with the team",
                    "owner_id": uid,
                    "target_date": today + dt.timedelta(days=days),
                    "status": status,
                    "completed_on": today if status == "done" else None,
                    "created_by_id": uid,
                }
            )
            action_items.append(
                {"organisation_id": oid, "action_id": xid, "response_id": responses[i, first_item]}
            )
        for n in range(5):
            activity.append(
                {
                    "organisation_id": oid,
                    "actor_id": uid,
                    "actor_email": f"lead{i}@bench.invalid",
                    "action": "response.updated",
                    "object_type": "response",
                    "object_id": str(responses[(i, items[n].ref)]),
                    "object_repr": items[n].ref,
                    "changes": {"status": ["in_progress", "done"]},
                    "created_at": now - dt.timedelta(hours=i % 500 + n),
                }
            )
    copy_rows(Action, actions)
    copy_rows(ActionItem, action_items)
    copy_rows(Activity, activity)
    return {"organisations": list(org_ids), "users": list(user_ids)}


def people(total_homes: int) -> dict:
    """Consultants (5, 50 and 500 homes), a platform staff user; their two-step sign-in set up.

    Returns {name: user id}. The consultants advise the first homes by id.
    """
    from allauth.mfa.models import Authenticator

    Organisation, User, Membership = model("Organisation"), model("User"), model("Membership")
    password = make_password(PASSWORD)
    org_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    made = {}
    for homes in CONSULTANT_HOMES:
        user = User.objects.create(
            email=f"consultant{homes}@bench.invalid",
            full_name=f"Consultant with {homes} homes",
            password=password,
        )
        Membership.objects.bulk_create(
            Membership(organisation_id=oid, user=user, role="consultant")
            for oid in org_ids[: min(homes, total_homes)]
        )
        made[f"consultant{homes}"] = user.pk
    staff = User.objects.create(
        email="platform@bench.invalid",
        full_name="Platform staff",
        password=password,
        is_staff=True,
    )
    made["platform"] = staff.pk
    for user_id in made.values():
        Authenticator.objects.create(
            user_id=user_id, type=Authenticator.Type.TOTP, data={"secret": "bench"}
        )
    return made


def session_for(user_id: int) -> str:
    """A signed-in session for the user, as `django.contrib.auth.login` would leave it."""
    from importlib import import_module

    user = model("User").objects.get(pk=user_id)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    # As allauth records a sign-in with password and authenticator code, so consultants
    # and platform staff (who must use two-step sign-in) reach their pages.
    now = timezone.now().timestamp()
    store["account_authentication_methods_user"] = str(user.pk)
    store["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    store.create()
    return store.session_key
