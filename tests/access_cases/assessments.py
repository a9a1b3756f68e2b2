"""Access cases for the assessments app's tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import EDIT, READ, Case


def objects(ctx):
    from tests.assessments.factories import assessment_for, catalogue_with

    assessment = assessment_for(ctx["organisation"], catalogue_with([{"ref": "1.1.1"}]))
    ctx["assessment"] = assessment
    ctx["response"] = assessment.responses.get()


def _item(ctx):
    return {"pk": ctx["response"].pk}


def _answer(ctx):
    pk = ctx["response"].pk
    return {f"r{pk}-answer_text": "ICO ZA123456", f"r{pk}-status": "in_progress"}


# Only the organisation's senior accountable person may approve or return; the matrix's
# members are not, so every role is refused (tests/assessments covers the SAP).
NOBODY = ()

CASES = [
    Case("assessments:index", READ),
    Case("assessments:start", EDIT, method="post"),
    Case("assessments:change_catalogue", EDIT, method="post"),
    Case("assessments:item", READ, kwargs=_item),
    Case("assessments:item", EDIT, method="post", kwargs=_item, data=_answer),
    Case("assessments:comment", EDIT, method="post", kwargs=_item, data={"text": "Checked"}),
    Case("assessments:warnings", READ),
    Case("assessments:approval", READ),
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
]
