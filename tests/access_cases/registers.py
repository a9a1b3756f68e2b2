"""Access cases for the registers' tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import EDIT, READ, Case


def objects(ctx):
    from tests.registers.factories import BreachFactory

    ctx["breach"] = BreachFactory(organisation=ctx["organisation"])


def _breach(c):
    return {"pk": c["breach"].pk}


NEW_BREACH = {
    "title": "Access check",
    "discovered_at": "2026-01-05T10:00",
    "risk": "low",
    "reporting": "not_decided",
    "people_told": "not_yet",
}

CASES = [
    Case("registers:index", READ),
    Case("registers:breaches", READ),
    Case("registers:breaches_export", READ),
    Case("registers:breach_create", EDIT),
    Case("registers:breach_create", EDIT, method="post", data=NEW_BREACH),
    Case("registers:breach_edit", READ, kwargs=_breach),
    Case("registers:breach_edit", EDIT, method="post", kwargs=_breach, data=NEW_BREACH),
    Case("registers:breaches_import", EDIT),
]
