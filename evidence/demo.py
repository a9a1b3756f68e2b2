"""Demo evidence for Meadowbank House ('vn4k2'): a realistic policy library and a staff
training register at about 90%, so the 3.2.1 check warns. Idempotent: documents are found
by title, files are uploaded only for documents without one, people are found by name."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dspt_portal.dates import add_years
from dspt_portal.deadlines import dspt_deadline

from .models import Document, DocumentKind, StaffMember, TrainingRecord
from .services import version_add
from .uploads import check_upload

ORG = "vn4k2"

# title, kind, days since last review, file name, item refs it backs (linked by
# assessments/demo.py, which runs after this: the links belong to assessments)
DOCUMENTS = [
    (
        "Data protection policy",
        DocumentKind.POLICY,
        200,
        "data-protection-policy.pdf",
        ["1.3.1", "1.3.8", "1.2.4"],
    ),
    (
        "Information governance and acceptable use policy",
        DocumentKind.POLICY,
        3 * 365 - 20,
        "ig-acceptable-use-policy.pdf",
        ["1.3.1"],
    ),  # due for review within 30 days
    (
        "Business continuity plan",
        DocumentKind.PROCEDURE,
        365 + 45,
        "business-continuity-plan.pdf",
        ["7.1.2", "7.2.1"],
    ),  # overdue
    ("DPIA procedure", DocumentKind.PROCEDURE, 120, "dpia-procedure.pdf", ["1.3.8"]),
    (
        "Information asset register",
        DocumentKind.REGISTER,
        60,
        "information-asset-register.csv",
        ["1.1.2", "7.1.1", "7.1.5"],
    ),
]

# name, job title, flags, months since training (None = never)
STAFF = [
    ("Priya Shah", "Registered Manager", {}, 3),
    ("Tom Okafor", "Deputy Manager", {}, 2),
    ("Grace Lewis", "Senior Carer", {}, 5),
    ("Margaret Ellis", "Director", {"is_director": True}, 7),
    ("Samuel Adeyemi", "Senior Carer", {}, 4),
    ("Hannah Moore", "Care Assistant", {}, 1),
    ("Lucy Brennan", "Care Assistant", {}, 6),
    ("Jakub Nowak", "Care Assistant", {}, 8),
    ("Fatima Hussain", "Care Assistant", {}, 9),
    ("Chloe Evans", "Care Assistant", {}, 10),
    ("Ravi Patel", "Nurse", {}, 2),
    ("Emma Clarke", "Activities Coordinator", {}, 3),
    ("Daniel Byrne", "Cook", {"has_data_access": False}, None),
    ("Sophie Turner", "Administrator", {}, 4),
    ("Marcus Reid", "Maintenance", {}, 11),
    ("Olivia Green", "Care Assistant", {}, None),  # new starter, not yet trained
    ("Ben Walsh", "Care Assistant (agency)", {"is_agency": True}, 14),  # lapsed
    ("Ann Price", "Volunteer befriender", {"is_volunteer": True}, 5),
    ("Joy Mensah", "Night Carer", {}, 6),
    ("Peter Lloyd", "Care Assistant", {}, 7),
    ("Kate Morgan", "Former Care Assistant", {"left": 40}, 20),
]


def _pdf(title: str) -> bytes:
    """A small one-page PDF with the title and a line of text."""
    text = (
        f"BT /F1 18 Tf 72 760 Td ({title}) Tj 0 -28 Td /F1 11 Tf "
        "(Meadowbank House Care Home - demo document) Tj ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


ASSET_REGISTER = (
    "Asset,Type,Owner,Holds personal data,Supported until,Last reviewed\n"
    "Care planning system,Software (cloud),Registered Manager,Yes,2028-03-31,{reviewed}\n"
    "eMAR tablets (x4),Hardware,Deputy Manager,Yes,2027-09-30,{reviewed}\n"
    "Office PC,Hardware,Administrator,Yes,2027-10-14,{reviewed}\n"
    "Paper care files,Paper records,Registered Manager,Yes,,{reviewed}\n"
)


def _file(title: str, name: str, reviewed: dt.date) -> SimpleUploadedFile:
    if name.endswith(".csv"):
        return SimpleUploadedFile(name, ASSET_REGISTER.format(reviewed=reviewed).encode())
    return SimpleUploadedFile(name, _pdf(title))


def _months_ago(today: dt.date, months: int) -> dt.date:
    return today - dt.timedelta(days=round(months * 30.4))


def seed(demo) -> None:
    organisation = demo.organisations.get(ORG)
    if organisation is None:
        return
    iglead = demo.users.get("iglead")
    today = timezone.localdate()
    for title, kind, days, file_name, _refs in DOCUMENTS:
        reviewed = today - dt.timedelta(days=days)
        document, created = Document.objects.get_or_create(
            organisation=organisation,
            title=title,
            defaults={
                "kind": kind,
                "owner": demo.users.get("manager"),
                "created_by": iglead,
                "effective_on": reviewed,
                "last_reviewed_on": reviewed,
            },
        )
        if created:
            years = 3 if kind == DocumentKind.POLICY else 1
            document.next_review_due = add_years(reviewed, years)
            document.save(update_fields=["next_review_due", "updated_at"])
        if not document.versions.exists():
            upload = _file(title, file_name, reviewed)
            version_add(document=document, file=upload, checked=check_upload(upload), by=iglead)
    # Spread completions over the months that still count on the deadline, so the figure is
    # the same today and on 30 June: 17 of 19 people in scope (89.5%), below the 95% target.
    deadline = dspt_deadline(today)
    window_start = max(
        add_years(deadline, -1) + dt.timedelta(days=1), today - dt.timedelta(days=330)
    )
    span = (today - window_start).days
    for n, (name, job_title, flags, months) in enumerate(STAFF):
        flags = dict(flags)
        left = flags.pop("left", None)
        person, _ = StaffMember.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "job_title": job_title,
                "started_on": today - dt.timedelta(days=900),
                "left_on": today - dt.timedelta(days=left) if left else None,
                **flags,
            },
        )
        if months is None or person.training_records.exists():
            continue
        if months > 12 or left:
            completed = _months_ago(today, months)
        else:
            completed = window_start + dt.timedelta(days=span * n // len(STAFF))
        TrainingRecord.objects.create(
            organisation=organisation,
            staff_member=person,
            course="Data Security Awareness Level 1",
            completed_on=completed,
            created_by=iglead,
        )
    demo.log.append(
        f"Evidence: {len(DOCUMENTS)} documents and {len(STAFF)} staff for {organisation.name}"
    )
