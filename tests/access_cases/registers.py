"""Access cases for the registers' tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import EDIT, READ, Case


def objects(ctx):
    from tests.registers.factories import (
        BreachFactory,
        ContinuityTestFactory,
        InformationAssetFactory,
        ITAssetFactory,
        SubjectAccessRequestFactory,
        SupplierFactory,
    )

    ctx["breach"] = BreachFactory(organisation=ctx["organisation"])
    ctx["sar"] = SubjectAccessRequestFactory(organisation=ctx["organisation"])
    ctx["asset"] = ITAssetFactory(organisation=ctx["organisation"])
    ctx["supplier"] = SupplierFactory(organisation=ctx["organisation"])
    ctx["information"] = InformationAssetFactory(organisation=ctx["organisation"])
    ctx["continuity"] = ContinuityTestFactory(organisation=ctx["organisation"])


def _breach(c):
    return {"pk": c["breach"].pk}


NEW_BREACH = {
    "title": "Access check",
    "discovered_at": "2026-01-05T10:00",
    "risk": "low",
    "reporting": "not_decided",
    "people_told": "not_yet",
}
NEW_SAR = {"requester": "Access check", "received_on": "2026-01-05"}


def _sar(c):
    return {"pk": c["sar"].pk}


NEW_ASSET = {
    "name": "Access check laptop",
    "kind": "computer",
    "mfa": "yes",
    "encrypted": "yes",
    "checked_on": "2026-01-05",
}


def _asset(c):
    return {"pk": c["asset"].pk}


NEW_SUPPLIER = {
    "name": "Access IT Ltd",
    "service": "IT support",
    "contract_terms": "yes",
    "checked_on": "2026-01-05",
}


def _supplier(c):
    return {"pk": c["supplier"].pk}


NEW_INFO = {
    "name": "Care plans",
    "owner": "Registered Manager",
    "personal_data": "Health",
    "held_as": "system",
    "reviewed_on": "2026-01-05",
}


def _information(c):
    return {"pk": c["information"].pk}


NEW_TEST = {"tested_on": "2026-01-05", "scenario": "cyber", "description": "Tabletop"}


def _continuity(c):
    return {"pk": c["continuity"].pk}


CASES = [
    Case("registers:index", READ),
    Case("registers:breaches", READ),
    Case("registers:breaches_export", READ),
    Case("registers:breach_create", EDIT),
    Case("registers:breach_create", EDIT, method="post", data=NEW_BREACH),
    Case("registers:breach_edit", READ, kwargs=_breach),
    Case("registers:breach_edit", EDIT, method="post", kwargs=_breach, data=NEW_BREACH),
    Case("registers:breaches_import", EDIT),
    Case("registers:breaches_import", EDIT, method="post"),  # no file: the form says so
    Case("registers:sars", READ),
    Case("registers:sars_export", READ),
    Case("registers:sar_create", EDIT),
    Case("registers:sar_create", EDIT, method="post", data=NEW_SAR),
    Case("registers:sar_edit", READ, kwargs=_sar),
    Case("registers:sar_edit", EDIT, method="post", kwargs=_sar, data=NEW_SAR),
    Case("registers:sars_import", EDIT),
    Case("registers:sars_import", EDIT, method="post"),  # no file: the form says so
    Case("registers:assets", READ),
    Case("registers:assets_export", READ),
    Case("registers:asset_create", EDIT),
    Case("registers:asset_create", EDIT, method="post", data=NEW_ASSET),
    Case("registers:asset_edit", READ, kwargs=_asset),
    Case("registers:asset_edit", EDIT, method="post", kwargs=_asset, data=NEW_ASSET),
    Case("registers:assets_import", EDIT),
    Case("registers:assets_import", EDIT, method="post"),  # no file: the form says so
    Case("registers:suppliers", READ),
    Case("registers:suppliers_export", READ),
    Case("registers:supplier_create", EDIT),
    Case("registers:supplier_create", EDIT, method="post", data=NEW_SUPPLIER),
    Case("registers:supplier_edit", READ, kwargs=_supplier),
    Case("registers:supplier_edit", EDIT, method="post", kwargs=_supplier, data=NEW_SUPPLIER),
    Case("registers:suppliers_import", EDIT),
    Case("registers:suppliers_import", EDIT, method="post"),  # no file: the form says so
    Case("registers:information", READ),
    Case("registers:information_export", READ),
    Case("registers:information_create", EDIT),
    Case("registers:information_create", EDIT, method="post", data=NEW_INFO),
    Case("registers:information_edit", READ, kwargs=_information),
    Case("registers:information_edit", EDIT, method="post", kwargs=_information, data=NEW_INFO),
    Case("registers:information_import", EDIT),
    Case("registers:information_import", EDIT, method="post"),  # no file: the form says so
    Case("registers:continuity", READ),
    Case("registers:continuity_export", READ),
    Case("registers:continuity_create", EDIT),
    Case("registers:continuity_create", EDIT, method="post", data=NEW_TEST),
    Case("registers:continuity_edit", READ, kwargs=_continuity),
    Case("registers:continuity_edit", EDIT, method="post", kwargs=_continuity, data=NEW_TEST),
    Case("registers:continuity_import", EDIT),
    Case("registers:continuity_import", EDIT, method="post"),  # no file: the form says so
    # Removing an entry made in error: a confirmation page, then the POST (editors only).
    *[
        Case(f"registers:{name}_delete", EDIT, method=method, kwargs=kwargs)
        for name, kwargs in [
            ("breach", _breach),
            ("sar", _sar),
            ("asset", _asset),
            ("supplier", _supplier),
            ("information", _information),
            ("continuity", _continuity),
        ]
        for method in ("get", "post")
    ],
]
