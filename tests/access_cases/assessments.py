"""Access cases for the assessments app's tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import EDIT, READ, Case


def objects(ctx):
    from tests.assessments.factories import assessment_for, catalogue_with

    assessment = assessment_for(ctx["organisation"], catalogue_with([{"ref": "1.1.1"}]))
    ctx["assessment"] = assessment
    ctx["response"] = assessment.responses.get()
    from assessments.models import ImprovementAction

    ctx["action"] = ImprovementAction.objects.create(
        organisation=ctx["organisation"], assessment=assessment, title="Sign the IT agreement"
    )


def _item(ctx):
    return {"pk": ctx["response"].pk}


def _record(ctx):
    from assessments.models import Response

    record = Response.history.filter(id=ctx["response"].pk).latest()
    return {"pk": ctx["response"].pk, "record": record.history_id}


def _answer(ctx):
    pk = ctx["response"].pk
    return {f"r{pk}-answer_text": "ICO ZA123456", f"r{pk}-status": "in_progress"}


# Only the organisation's senior accountable person may approve or return; the matrix's
# members are not, so every role is refused (tests/assessments covers the SAP).
NOBODY = ()

CASES = [
    Case("assessments:item_by_ref", READ, kwargs=lambda c: {"ref": "1.1.1"}),
    Case("assessments:index", READ),
    Case("assessments:start", EDIT, method="post"),
    Case("assessments:change_catalogue", EDIT, method="post"),
    Case("assessments:item", READ, kwargs=_item),
    Case("assessments:item", EDIT, method="post", kwargs=_item, data=_answer),
    Case("assessments:item_form", EDIT, kwargs=_item),
    Case("assessments:comment", EDIT, method="post", kwargs=_item, data={"text": "Checked"}),
    Case("assessments:use_training", EDIT, method="post", kwargs=_item),
    Case("assessments:restore", EDIT, method="post", kwargs=_record, data={"version": "1"}),
    Case("assessments:warnings", READ),
    Case("assessments:plan", READ),
    Case(
        "assessments:plan", EDIT, method="post", data={"title": "Book training", "status": "to_do"}
    ),
    Case("assessments:plan_suggest", EDIT, method="post"),
    Case("assessments:action_edit", EDIT, kwargs=lambda c: {"pk": c["action"].pk}),
    Case(
        "assessments:action_edit",
        EDIT,
        method="post",
        kwargs=lambda c: {"pk": c["action"].pk},
        data={"title": "Sign the IT agreement", "status": "in_progress"},
    ),
    Case("assessments:action_delete", EDIT, kwargs=lambda c: {"pk": c["action"].pk}),
    Case("assessments:action_close", EDIT, method="post", kwargs=lambda c: {"pk": c["action"].pk}),
    Case("assessments:approval", READ),
    Case("assessments:review", READ),
    Case("assessments:submit", EDIT, method="post"),
    Case("assessments:approve", NOBODY, method="post"),
    Case("assessments:return", NOBODY, method="post", data={"comment": "Fix 1.1.1"}),
    Case("assessments:new_revision", EDIT, method="post"),
    Case(
        "assessments:publication",
        EDIT,
        method="post",
        data={"published_on": "2026-05-01", "outcome": "standards_met"},
    ),
    Case("assessments:action_delete", EDIT, method="post", kwargs=lambda c: {"pk": c["action"].pk}),
    # Pages that show the same page to a POST as to a GET (they change nothing).
    *[
        Case(name, READ, method="post")
        for name in ("assessments:index", "assessments:warnings", "assessments:approval")
    ],
    Case("assessments:review", READ, method="post"),
]
