"""Demo organisations, people and memberships for `manage.py seed_demo`.

Other apps add their own demo data in `<app>/demo.py` with a `seed(demo)` function;
seed_demo calls them in INSTALLED_APPS order after this one. Everything is idempotent.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model

from .models import Membership, Organisation, Role, ServiceType

DEMO_DOMAIN = "demo.example"

# (email local part, full name, job title)
PEOPLE = [
    ("manager", "Priya Shah", "Registered Manager"),
    ("iglead", "Tom Okafor", "Deputy Manager and IG lead"),
    ("viewer", "Grace Lewis", "Senior Carer"),
    ("director", "Margaret Ellis", "Director"),
    ("consultant", "Daniel Hughes", "Data protection consultant"),
    ("riverside", "Aisha Begum", "Registered Manager"),
    ("oakfield", "Owen Price", "Registered Manager"),
]

ORGANISATIONS = [
    {
        "slug": "vn4k2",
        "name": "Meadowbank House Care Home",
        "ods_code": "VN4K2",
        "service_type": ServiceType.CARE_HOME,
        "cqc_location_id": "1-2345678901",
        "address": "14 Meadowbank Road\nHarrogate",
        "postcode": "HG1 4RT",
        "staff_headcount": 42,
        "registered_manager_name": "Priya Shah",
        "dpo_name": "Margaret Ellis",
        "senior_accountable_title": "Director",
        "has_dpo": False,
    },
    {
        "slug": "a7q2k",
        "name": "Riverside Home Care Ltd",
        "ods_code": "A7Q2K",
        "service_type": ServiceType.HOME_CARE,
        "cqc_location_id": "1-3456789012",
        "address": "Unit 3, Riverside Business Park\nShrewsbury",
        "postcode": "SY1 2BX",
        "staff_headcount": 68,
        "registered_manager_name": "Aisha Begum",
        "dpo_name": "Aisha Begum",
        "senior_accountable_title": "Registered Manager",
    },
    {
        "slug": "vr8t1",
        "name": "Oakfield Lodge",
        "ods_code": "VR8T1",
        "service_type": ServiceType.CARE_HOME_NURSING,
        "cqc_location_id": "1-4567890123",
        "address": "2 Oakfield Lane\nKendal",
        "postcode": "LA9 6PQ",
        "staff_headcount": 35,
        "registered_manager_name": "Owen Price",
        "senior_accountable_title": "Registered Manager",
    },
]

MEMBERSHIPS = [
    ("vn4k2", "manager", Role.ADMIN),
    ("vn4k2", "iglead", Role.EDITOR),
    ("vn4k2", "viewer", Role.VIEWER),
    ("vn4k2", "director", Role.ADMIN),
    ("vn4k2", "consultant", Role.CONSULTANT),
    ("a7q2k", "riverside", Role.ADMIN),
    ("a7q2k", "consultant", Role.CONSULTANT),
    ("vr8t1", "oakfield", Role.ADMIN),
    ("vr8t1", "consultant", Role.CONSULTANT),
]

KEY_PEOPLE = {
    "vn4k2": {"ig_lead": "iglead", "senior_accountable_person": "director"},
    "a7q2k": {"ig_lead": "riverside", "senior_accountable_person": "riverside"},
    "vr8t1": {"ig_lead": "oakfield", "senior_accountable_person": "oakfield"},
}


@dataclass
class Demo:
    """What seed_demo made, handed to each app's seed() so it can add its own data."""

    users: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)
    log: list = field(default_factory=list)


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def seed(demo: Demo) -> None:
    User = get_user_model()
    for local, name, title in PEOPLE:
        user, created = User.objects.get_or_create(
            email=demo_email(local), defaults={"full_name": name, "job_title": title}
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        demo.users[local] = user
    staff, created = User.objects.get_or_create(
        email=demo_email("platform"),
        defaults={"full_name": "Platform Admin", "is_staff": True, "is_superuser": True},
    )
    if created:
        staff.set_password(settings.DEMO_PASSWORD)
        staff.save()
    EmailAddress.objects.update_or_create(
        user=staff, email=staff.email, defaults={"verified": True, "primary": True}
    )
    demo.users["platform"] = staff

    for data in ORGANISATIONS:
        data = dict(data)
        slug = data.pop("slug")
        org, _ = Organisation.objects.update_or_create(slug=slug, defaults=data)
        demo.organisations[slug] = org
    for slug, local, role in MEMBERSHIPS:
        Membership.objects.update_or_create(
            organisation=demo.organisations[slug], user=demo.users[local], defaults={"role": role}
        )
    for slug, people in KEY_PEOPLE.items():
        org = demo.organisations[slug]
        for attr, local in people.items():
            setattr(org, attr, demo.users[local])
        org.save()
    demo.log.append(f"{len(demo.organisations)} organisations, {len(demo.users)} people")
