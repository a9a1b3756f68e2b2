"""Register pages: list with filters, add and edit, spreadsheet export and import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from organisations.access import require_role
from organisations.models import Role

from . import services, spreadsheets
from .forms import BreachFilterForm, BreachForm, ImportForm
from .models import Breach, ClockState, Reporting

# The items each register answers (links open the current assessment's answer).
BREACH_REFS = [
    ("6.1.1", "a way for staff to report breaches"),
    ("6.1.2", "management sign-off after a breach"),
    ("6.1.3", "telling the people affected"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def index(request: HttpRequest, org: str) -> HttpResponse:
    """Every register, with its live figure."""
    return render(
        request,
        "registers/index.html",
        {
            "breaches": services.breach_figures(organisation=request.organisation),
            "breach_refs": BREACH_REFS,
        },
    )


def _breaches(request: HttpRequest):
    return Breach.objects.filter(organisation=request.organisation)


def breaches(request: HttpRequest, org: str) -> HttpResponse:
    form = BreachFilterForm(request.GET or None)
    rows = _breaches(request)
    if form.is_valid():
        data = form.cleaned_data
        if data["risk"]:
            rows = rows.filter(risk=data["risk"])
        if data["clock"] == "open":
            rows = rows.clock_open()
        elif data["clock"] == ClockState.STOPPED:
            rows = rows.exclude(reporting=Reporting.NOT_DECIDED)
        if data["q"]:
            rows = rows.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
    return render(
        request,
        "registers/breaches.html",
        {
            "form": form,
            "rows": list(rows),
            "now": timezone.now(),
            "figures": services.breach_figures(organisation=request.organisation),
            "filtered": form.is_valid() and any(form.cleaned_data.values()),
            "refs": BREACH_REFS,
        },
    )


@require_role(Role.EDITOR)
def breach_create(request: HttpRequest, org: str) -> HttpResponse:
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        breach = form.save(commit=False)
        breach.organisation = request.organisation
        services.breach_save(breach=breach, before=None, by=request.user, request=request)
        messages.success(request, f"“{breach.title}” is in the breach log.")
        return redirect("registers:breaches", org)
    return render(request, "registers/breach_form.html", {"form": form})


def breach_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Everyone may read an entry; editors may change it."""
    breach = get_object_or_404(_breaches(request), pk=pk)
    before = services.breach_snapshot(breach)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = BreachForm(request.POST, instance=breach)
        if form.is_valid():
            services.breach_save(
                breach=form.save(commit=False), before=before, by=request.user, request=request
            )
            messages.success(request, f"“{breach.title}” is saved.")
            return redirect("registers:breaches", org)
    else:
        form = BreachForm(instance=breach)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "registers/breach_form.html",
        {"form": form, "breach": breach, "now": timezone.now()},
    )


def _download(body, *, filename: str, kind: str) -> HttpResponse:
    content_type = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


def breaches_export(request: HttpRequest, org: str) -> HttpResponse:
    head, rows = spreadsheets.table(BreachForm, _breaches(request).order_by("discovered_at", "pk"))
    name = f"breach-log-{request.organisation.slug}"
    if request.GET.get("format") == "xlsx":
        return _download(spreadsheets.to_xlsx(head, rows, "Breach log"), filename=name, kind="xlsx")
    return _download(spreadsheets.to_csv(head, rows), filename=name, kind="csv")


@require_role(Role.EDITOR)
def breaches_import(request: HttpRequest, org: str) -> HttpResponse:
    """Check every row; save them all, or none and show what to fix."""
    form, check, error = ImportForm(request.POST or None, request.FILES or None), None, ""
    if request.method == "POST" and form.is_valid():
        try:
            check = spreadsheets.import_check(
                BreachForm, spreadsheets.read_rows(form.cleaned_data["file"])
            )
        except spreadsheets.SpreadsheetError as exc:
            error = str(exc)
        if check is not None and check.is_valid:
            count = services.breaches_import(
                check=check, organisation=request.organisation, by=request.user, request=request
            )
            messages.success(request, f"Imported {count} breach{'es' if count != 1 else ''}.")
            return redirect("registers:breaches", org)
    return render(
        request,
        "registers/import.html",
        {
            "form": form,
            "check": check,
            "error": error,
            "headings": spreadsheets.headings(BreachForm),
            "register": "breach log",
            "back_url": "registers:breaches",
        },
    )
