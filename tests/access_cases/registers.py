"""Access cases for the registers' tenant URLs. See tests/test_access_matrix.py.

Every register has the same pages (registers.views.REGISTERS), so its cases come from the
same table: reading the list, the export and an entry is for every member; adding, saving,
importing and removing is for editors and above.
"""

from registers.views import REGISTERS
from tests.access_matrix import EDIT, READ, Case


def objects(ctx):
    """One entry in each register, as ctx[<its entry's URL name>]: ctx["breach"], ..."""
    from tests.registers.factories import (
        BreachFactory,
        ContinuityTestFactory,
        InformationAssetFactory,
        ITAssetFactory,
        SubjectAccessRequestFactory,
        SupplierFactory,
    )

    factories = {
        "breaches": BreachFactory,
        "sars": SubjectAccessRequestFactory,
        "assets": ITAssetFactory,
        "suppliers": SupplierFactory,
        "information": InformationAssetFactory,
        "continuity": ContinuityTestFactory,
    }
    for register in REGISTERS.values():
        ctx[register.one] = factories[register.key](organisation=ctx["organisation"])


# A valid new entry for each register (what the add and save pages are posted).
NEW = {
    "breaches": {
        "title": "Access check",
        "discovered_at": "2026-01-05T10:00",
        "risk": "low",
        "reporting": "not_decided",
        "people_told": "not_yet",
    },
    "sars": {"requester": "Access check", "received_on": "2026-01-05"},
    "assets": {
        "name": "Access check laptop",
        "kind": "computer",
        "mfa": "yes",
        "encrypted": "yes",
        "checked_on": "2026-01-05",
    },
    "suppliers": {
        "name": "Access IT Ltd",
        "service": "IT support",
        "contract_terms": "yes",
        "checked_on": "2026-01-05",
    },
    "information": {
        "name": "Care plans",
        "owner": "Registered Manager",
        "personal_data": "Health",
        "held_as": "system",
        "reviewed_on": "2026-01-05",
    },
    "continuity": {"tested_on": "2026-01-05", "scenario": "cyber", "description": "Tabletop"},
}


def _entry(one: str):
    return lambda ctx: {"pk": ctx[one].pk}


def _cases(key: str, one: str) -> list[Case]:
    entry, new = _entry(one), NEW[key]
    return [
        Case(f"registers:{key}", READ),
        Case(f"registers:{key}_export", READ),
        Case(f"registers:{one}_create", EDIT),
        Case(f"registers:{one}_create", EDIT, method="post", data=new),
        Case(f"registers:{one}_edit", READ, kwargs=entry),
        Case(f"registers:{one}_edit", EDIT, method="post", kwargs=entry, data=new),
        Case(f"registers:{key}_import", EDIT),
        Case(f"registers:{key}_import", EDIT, method="post"),  # no file: the form says so
        # Removing an entry made in error: a confirmation page, then the POST.
        Case(f"registers:{one}_delete", EDIT, kwargs=entry),
        Case(f"registers:{one}_delete", EDIT, method="post", kwargs=entry),
    ]


CASES = [
    Case("registers:index", READ),
    *[case for r in REGISTERS.values() for case in _cases(r.key, r.one)],
]
