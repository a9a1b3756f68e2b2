"""Reports pages: downloads and their progress, the submission pack, spreadsheet export and
import, the status badge settings; plus the public badge and the consultant portfolio PDF."""

import dataclasses
import secrets
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from django_scopes import scopes_disabled

from assessments.models import Approval
from assessments.outcome import OutcomeLevel, coverage_of
from dspt_portal.dates import add_years
from evidence.uploads import streaming_size_limit, upload_was_too_large
from organisations.access import require_invite, require_manage, require_role
from organisations.models import Role
from organisations.services import activity_record

from . import services
from .content import assessment_report_data, fmt_date
from .forms import BadgeForm, ChecklistImportForm, ReportRequestForm
from .models import StatusBadge
from .org_archive import export_filename, organisation_export
from .spreadsheets import MAX_IMPORT_BYTES, checklist_csv, checklist_read, checklist_xlsx

IMPORT_SESSION_KEY = "reports_import"


def _assessment(request: HttpRequest):
    """The organisation's latest assessment (the DSPT year being worked on), or None."""
    return request.organisation.assessments.select_related("catalogue").first()


def _assessment_or_404(request: HttpRequest):
    assessment = _assessment(request)
    if assessment is None:
        raise Http404("No assessment started yet.")
    return assessment


def _file_response(content: bytes | str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # Names come from organisation names: non-ASCII is sent as RFC 6266 filename*.
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def index(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment(request)
    approvals = []
    if assessment is not None:
        approvals = list(
            assessment.approvals.select_related("approved_by").prefetch_related("reports")
        )
    badge = None
    if request.membership.can_invite:
        badge = StatusBadge.objects.filter(organisation=request.organisation).first()
    context = {
        "assessment": assessment,
        "reports": request.organisation.reports.select_related("requested_by")[:10],
        "approvals": approvals,
        "badge": badge,
        "published": _published_approval(request.organisation),
    }
    return render(request, "reports/index.html", context)


@require_POST
@require_role(Role.EDITOR)
def report_request(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment_or_404(request)
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose which report to make.")
        return redirect("reports:index", org=org)
    approval = None
    if form.cleaned_data["approval"]:
        approval = get_object_or_404(assessment.approvals, pk=form.cleaned_data["approval"])
    report = services.report_request(
        assessment=assessment,
        kind=form.cleaned_data["kind"],
        by=request.user,
        approval=approval,
        include_comments=form.cleaned_data["include_comments"],
        request=request,
    )
    messages.success(request, f"{report.title}: we are making it. This page updates by itself.")
    return redirect(f"{reverse('reports:index', kwargs={'org': org})}#report-{report.pk}")


@require_POST
def report_retry(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    report = get_object_or_404(request.organisation.reports, pk=pk)
    try:
        services.report_retry(report=report, by=request.user, request=request)
        messages.success(request, f"{report.title}: we are making it again.")
    except ValidationError as e:
        messages.info(request, " ".join(e.messages))
    return redirect(f"{reverse('reports:index', kwargs={'org': org})}#report-{report.pk}")


@require_GET
def report_status(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """The report's row; HTMX polls it while the report is being made."""
    report = get_object_or_404(request.organisation.reports, pk=pk)
    return render(request, "reports/_report_row.html", {"report": report, "polled": True})


@require_GET
def report_download(request: HttpRequest, org: str, pk: int) -> FileResponse:
    report = get_object_or_404(request.organisation.reports, pk=pk)
    if not report.is_ready:
        raise Http404("This report is not ready.")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type=report.content_type,
    )


@require_GET
def submission_pack(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment_or_404(request)
    data = assessment_report_data(assessment)
    return render(request, "reports/pack.html", {"assessment": assessment, "data": data})


@require_GET
def export_xlsx(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment_or_404(request)
    name = f"DSPT {assessment.year_label} checklist - {request.organisation.ods_code}.xlsx"
    return _file_response(
        checklist_xlsx(assessment),
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
def export_csv(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment_or_404(request)
    name = f"DSPT {assessment.year_label} checklist - {request.organisation.ods_code}.csv"
    return _file_response(checklist_csv(assessment), name, "text/csv; charset=utf-8")


@streaming_size_limit(max_bytes=MAX_IMPORT_BYTES)
@require_role(Role.EDITOR)
def checklist_import(request: HttpRequest, org: str) -> HttpResponse:
    """Upload -> preview with per-row errors. Nothing is saved until the user confirms."""
    assessment = _assessment_or_404(request)
    posted = request.method == "POST"
    form = ChecklistImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        too_large=upload_was_too_large(request),
    )
    preview = None
    if request.method == "POST" and not assessment.is_locked and form.is_valid():
        preview = checklist_read(assessment, form.cleaned_data["file"])
        if preview.file_error:
            form.add_error("file", preview.file_error)
        elif preview.ok and preview.changes:
            request.session[IMPORT_SESSION_KEY] = {
                "assessment": assessment.pk,
                "token": secrets.token_urlsafe(16),
                "changes": [dataclasses.asdict(c) | {"shown": None} for c in preview.changes],
            }
    pending = request.session.get(IMPORT_SESSION_KEY) if preview and preview.ok else None
    context = {"assessment": assessment, "form": form, "preview": preview, "pending": pending}
    return render(request, "reports/import.html", context)


@require_POST
@require_role(Role.EDITOR)
def checklist_import_confirm(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment_or_404(request)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if pending.get("assessment") != assessment.pk or pending.get("token") != request.POST.get(
        "token"
    ):
        messages.error(request, "That preview has expired. Upload the file again.")
        return redirect("reports:import", org=org)
    try:
        count = services.checklist_apply(
            assessment=assessment, changes=pending["changes"], by=request.user, request=request
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages) + " Nothing was changed.")
        return redirect("reports:import", org=org)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, f"Saved {count} answer{'s' if count != 1 else ''} from the file.")
    return redirect("reports:index", org=org)


@require_POST
@require_invite
def badge_change(request: HttpRequest, org: str) -> HttpResponse:
    form = BadgeForm(request.POST)
    if form.is_valid():
        try:
            services.badge_change(
                organisation=request.organisation,
                action=form.cleaned_data["action"],
                by=request.user,
                request=request,
            )
            messages.success(request, BADGE_MESSAGES[form.cleaned_data["action"]])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    return redirect(f"{reverse('reports:index', kwargs={'org': org})}#badge")


BADGE_MESSAGES = {
    "enable": "Your status badge is on. Anyone with its link can see it.",
    "disable": "Your status badge is off. Its link now shows nothing.",
    "revoke": "Old badge links no longer work. Use the new link below.",
}


# ---------------------------------------------------------------- public badge


def _published_approval(organisation) -> Approval | None:
    return (
        Approval.objects.filter(organisation=organisation, published_on__isnull=False)
        .select_related("assessment__catalogue")
        .order_by("-published_on", "-id")
        .first()
    )


def _public_status(token: str) -> dict:
    """Only what the badge may show: name, ODS code, outcome, DSPT year, publication date."""
    with scopes_disabled():
        badge = (
            StatusBadge.objects.select_related("organisation")
            .filter(token=token, enabled=True)
            .first()
        )
        approval = _published_approval(badge.organisation) if badge else None
    if approval is None:
        raise Http404("No such status badge.")
    expires_on = add_years(approval.published_on, 1)
    outcome = approval.get_published_outcome_display()
    coverage = ""
    if not outcome and approval.outcome_level in OutcomeLevel.values:
        # No outcome recorded from the national toolkit: this is the portal's own verdict at
        # approval (the same function as every other page), so say how complete it was.
        saved = approval.snapshot.get("outcome", {})
        outcome = saved.get("label") or OutcomeLevel(approval.outcome_level).label
        coverage = coverage_of(
            approval.assessment.catalogue,
            questions=len(approval.snapshot.get("answers", [])),
            mandatory=saved.get("total_mandatory", 0),
        ).text
    return {
        "coverage": coverage,
        "name": badge.organisation.name,
        "ods_code": badge.organisation.ods_code,
        "outcome": outcome,
        "year_label": approval.assessment.year_label,
        "published_on": fmt_date(approval.published_on),
        "expires_on": fmt_date(expires_on),
        "out_of_date": timezone.localdate() >= expires_on,
    }


@require_GET
def status_page(request: HttpRequest, token: str) -> HttpResponse:
    context = {
        "status": _public_status(token),
        "toolkit_search_url": settings.DSPT_ORGANISATION_SEARCH_URL,
    }
    return render(request, "reports/status_page.html", context)


@require_GET
def status_badge_svg(request: HttpRequest, token: str) -> HttpResponse:
    status = _public_status(token)
    lines = [
        f"{status['name']} ({status['ods_code']})",
        f"DSPT {status['year_label']}: {status['outcome']}",
        "Out of date: not republished within 12 months"
        if status["out_of_date"]
        else f"Published {status['published_on']}",
    ]
    if status["coverage"]:
        lines.append(f"Portal projection, {status['coverage']}")
    width = max(240, 20 + 7 * max(len(line) for line in lines))
    context = {
        "status": status,
        "lines": lines,
        "width": width,
        "height": 72 + 18 * (len(lines) - 3),
    }
    response = render(request, "reports/badge.svg", context, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@require_manage
def organisation_everything(request: HttpRequest, org: str) -> HttpResponse:
    """The admin's "Download everything": the same zip as `manage.py export_org`."""
    organisation = request.organisation
    activity_record(
        organisation=organisation,
        actor=request.user,
        action="organisation.exported",
        target=organisation,
        request=request,
    )
    out = tempfile.TemporaryFile()  # removed when the response closes it
    organisation_export(organisation=organisation, out=out)
    out.seek(0)
    response = FileResponse(
        out,
        as_attachment=True,
        filename=export_filename(organisation),
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
