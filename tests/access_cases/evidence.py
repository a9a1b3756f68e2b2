"""Access cases for the evidence app's tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import EDIT, MANAGE, READ, Case


def _pdf():
    from tests.evidence.factories import upload

    return upload("access-check.pdf")


def objects(ctx):
    from django.utils.timezone import now

    from tests.evidence.factories import (
        DocumentFactory,
        StaffMemberFactory,
        TrainingRecordFactory,
        add_version,
        make_response,
    )

    org = ctx["organisation"]
    ctx["document"] = DocumentFactory(organisation=org, title="Access check policy")
    ctx["version"] = add_version(ctx["document"])
    ctx["archived"] = DocumentFactory(organisation=org, title="Archived", archived_at=now())
    ctx["response"] = make_response(org, "1.3.1")
    ctx["staff"] = StaffMemberFactory(organisation=org)
    ctx["record"] = TrainingRecordFactory(staff_member=ctx["staff"])


def _doc(c):
    return {"pk": c["document"].pk}


def _resp(c):
    return {"response_pk": c["response"].pk}


CASES = [
    Case("evidence:library", READ),
    Case("evidence:due", READ),
    Case("evidence:document", READ, kwargs=_doc),
    Case("evidence:version_download", READ, kwargs=lambda c: {"pk": c["version"].pk}),
    Case("evidence:document_create", EDIT),
    Case(
        "evidence:document_create",
        EDIT,
        method="post",
        data=lambda c: {"title": "New", "kind": "policy", "file": _pdf()},
    ),
    Case("evidence:document_edit", EDIT, kwargs=_doc),
    Case(
        "evidence:document_edit",
        EDIT,
        method="post",
        kwargs=_doc,
        data={"title": "Renamed", "kind": "log"},
    ),
    Case("evidence:document_delete", EDIT, kwargs=_doc),
    Case("evidence:archived", MANAGE),
    Case(
        "evidence:document_restore",
        MANAGE,
        method="post",
        kwargs=lambda c: {"pk": c["archived"].pk},
    ),
    Case(
        "evidence:version_upload", EDIT, method="post", kwargs=_doc, data=lambda c: {"file": _pdf()}
    ),
    Case(
        "evidence:document_link",
        EDIT,
        method="post",
        kwargs=_doc,
        data=lambda c: {"response": c["response"].pk},
    ),
    Case("evidence:response_documents", READ, kwargs=_resp),
    Case(
        "evidence:response_link",
        EDIT,
        method="post",
        kwargs=_resp,
        data=lambda c: {"document": c["document"].pk},
    ),
    Case(
        "evidence:response_upload",
        EDIT,
        method="post",
        kwargs=_resp,
        data=lambda c: {"title": "Log", "kind": "log", "file": _pdf()},
    ),
    Case(
        "evidence:response_unlink",
        EDIT,
        method="post",
        kwargs=lambda c: {"response_pk": c["response"].pk, "document_pk": c["document"].pk},
    ),
    Case("evidence:training", READ),
    Case("evidence:training_template", READ),
    Case("evidence:staff_create", EDIT),
    Case(
        "evidence:staff_create",
        EDIT,
        method="post",
        data={"name": "New Person", "has_data_access": "on"},
    ),
    Case("evidence:staff_edit", EDIT, kwargs=lambda c: {"pk": c["staff"].pk}),
    Case(
        "evidence:record_add",
        EDIT,
        method="post",
        kwargs=lambda c: {"pk": c["staff"].pk},
        data={"course": "DSA", "completed_on": "2025-09-01"},
    ),
    Case("evidence:record_delete", EDIT, method="post", kwargs=lambda c: {"pk": c["record"].pk}),
    Case("evidence:training_import", EDIT),
    Case("evidence:document_delete", EDIT, method="post", kwargs=_doc),
    Case(
        "evidence:staff_edit",
        EDIT,
        method="post",
        kwargs=lambda c: {"pk": c["staff"].pk},
        data={"name": "Renamed Person", "has_data_access": "on"},
    ),
    Case("evidence:training_import", EDIT, method="post"),
    # Pages and files that answer a POST as a GET (they change nothing).
    *[
        Case(name, READ, method="post")
        for name in ("evidence:library", "evidence:due", "evidence:training")
    ],
    Case("evidence:training_template", READ, method="post"),
    Case("evidence:document", READ, method="post", kwargs=_doc),
    Case(
        "evidence:version_download", READ, method="post", kwargs=lambda c: {"pk": c["version"].pk}
    ),
    Case("evidence:response_documents", READ, method="post", kwargs=_resp),
]
