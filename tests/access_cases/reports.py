"""Access cases for the reports app's tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import EDIT, INVITE, MANAGE, READ, Case


def objects(ctx):
    from django.core.files.base import ContentFile

    from assessments.models import Assessment
    from reports.models import Report, ReportStatus
    from tests.assessments.factories import assessment_for

    organisation = ctx["organisation"]
    assessment = Assessment.objects.filter(organisation=organisation).first()
    ctx["reports_assessment"] = assessment or assessment_for(organisation)
    report = Report.objects.create(
        organisation=organisation,
        assessment=ctx["reports_assessment"],
        kind="assessment_pdf",
        title="Assessment report",
        status=ReportStatus.READY,
        download_name="report.pdf",
    )
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    ctx["report"] = report


CASES = [
    Case("reports:everything", MANAGE),
    Case("reports:index", READ),
    Case("reports:request", EDIT, method="post", data={"kind": "assessment_pdf"}),
    Case("reports:status", READ, kwargs=lambda c: {"pk": c["report"].pk}),
    Case("reports:retry", READ, method="post", kwargs=lambda c: {"pk": c["report"].pk}),
    Case("reports:download", READ, kwargs=lambda c: {"pk": c["report"].pk}),
    Case("reports:pack", READ),
    Case("reports:export_xlsx", READ),
    Case("reports:export_csv", READ),
    Case("reports:import", EDIT),
    Case("reports:import_confirm", EDIT, method="post", data={"token": "stale"}),
    Case("reports:badge", INVITE, method="post", data={"action": "disable"}),
    Case("reports:import", EDIT, method="post"),
]
