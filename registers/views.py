"""Register pages: list with filters, add and edit, spreadsheet export and import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from organisations.access import require_role
from organisations.models import Role

from . import services, spreadsheets
from .forms import (
    BreachFilterForm,
    BreachForm,
    ContinuityFilterForm,
    ContinuityTestForm,
    ImportForm,
    InformationAssetFilterForm,
    InformationAssetForm,
    ITAssetFilterForm,
    ITAssetForm,
    SarFilterForm,
    SarForm,
    SupplierFilterForm,
    SupplierForm,
)
from .models import (
    Breach,
    ClockState,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    Reporting,
    SubjectAccessRequest,
    Supplier,
    YesNo,
)

# The items each register answers (links open the current assessment's answer).
BREACH_REFS = [
    ("6.1.1", "a way for staff to report breaches"),
    ("6.1.2", "management sign-off after a breach"),
    ("6.1.3", "telling the people affected"),
]
ASSET_REFS = [
    ("7.1.1", "a register of hardware and software"),
    ("8.1.4", "systems still supported"),
    ("8.2.1", "risks of unsupported systems"),
    ("4.5.3", "multi-factor authentication"),
    ("9.5.2", "encrypted laptops and tablets"),
    ("7.3.4", "backups test-restored"),
]
SUPPLIER_REFS = [
    ("4.3.1", "agreements for administrator access"),
    ("10.1.2", "a list of suppliers"),
    ("10.2.1", "suppliers' cyber security certification"),
    ("10.2.2", "contracts with data protection terms"),
]
INFO_REFS = [("1.1.2", "the information asset register, reviewed in 12 months")]
CONTINUITY_REFS = [
    ("7.1.2", "a continuity plan that covers cyber problems"),
    ("7.2.1", "how the plan is tested"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# For removing an entry made in error: the model, the register's list and edit pages, its
# name in a sentence, what the entry is, and what to do instead with a real one.
DELETABLE = {
    "breach": (
        Breach,
        "registers:breaches",
        "registers:breach_edit",
        "the breach log",
        "breach",
        "record the actions, the sign-off and the reporting decision instead.",
    ),
    "sar": (
        SubjectAccessRequest,
        "registers:sars",
        "registers:sar_edit",
        "the subject access requests",
        "request",
        "record the day it was answered instead.",
    ),
    "asset": (
        ITAsset,
        "registers:assets",
        "registers:asset_edit",
        "the IT register",
        "system or device",
        "give the date it stopped being used instead.",
    ),
    "supplier": (
        Supplier,
        "registers:suppliers",
        "registers:supplier_edit",
        "the supplier register",
        "supplier",
        "give the date you stopped using them instead.",
    ),
    "information": (
        InformationAsset,
        "registers:information",
        "registers:information_edit",
        "the information asset register",
        "information asset",
        "update it at its next review instead.",
    ),
    "continuity": (
        ContinuityTest,
        "registers:continuity",
        "registers:continuity_edit",
        "the continuity plan tests",
        "test",
        "it is part of your record of testing the plan.",
    ),
}


@require_GET
def index(request: HttpRequest, org: str) -> HttpResponse:
    """Every register, with its live figure."""
    return render(
        request,
        "registers/index.html",
        {
            "breaches": services.breach_figures(organisation=request.organisation),
            "breach_refs": BREACH_REFS,
            "sars": services.sar_figures(organisation=request.organisation),
            "assets": services.asset_figures(organisation=request.organisation),
            "asset_refs": ASSET_REFS,
            "suppliers": services.supplier_figures(organisation=request.organisation),
            "supplier_refs": SUPPLIER_REFS,
            "information": services.information_asset_figures(organisation=request.organisation),
            "info_refs": INFO_REFS,
            "continuity": services.continuity_figures(organisation=request.organisation),
            "continuity_refs": CONTINUITY_REFS,
        },
    )


def _breaches(request: HttpRequest):
    return Breach.objects.filter(organisation=request.organisation)


@require_GET
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


def _export(request: HttpRequest, *, form_class, rows, name: str, title: str) -> HttpResponse:
    """The register as CSV, or XLSX with ?format=xlsx (the same columns as the import)."""
    head, cells = spreadsheets.table(form_class, rows)
    filename = f"{name}-{request.organisation.slug}"
    if request.GET.get("format") == "xlsx":
        body = spreadsheets.to_xlsx(head, cells, title)
        return _download(body, filename=filename, kind="xlsx")
    return _download(spreadsheets.to_csv(head, cells), filename=filename, kind="csv")


def _import(request: HttpRequest, *, form_class, register: str, back_url: str, done: str):
    """Check every row; save them all, or none and show what to fix."""
    form, check, error = ImportForm(request.POST or None, request.FILES or None), None, ""
    if request.method == "POST" and form.is_valid():
        try:
            check = spreadsheets.import_check(
                form_class, spreadsheets.read_rows(form.cleaned_data["file"])
            )
        except spreadsheets.SpreadsheetError as exc:
            error = str(exc)
        if check is not None and check.is_valid:
            count = services.entries_import(
                check=check, organisation=request.organisation, by=request.user, request=request
            )
            messages.success(request, f"Imported {count} {done}.")
            return redirect(back_url, request.organisation.slug)
    context = {
        "form": form,
        "check": check,
        "error": error,
        "headings": spreadsheets.headings(form_class),
        "register": register,
        "back_url": back_url,
    }
    return render(request, "registers/import.html", context)


@require_GET
def breaches_export(request: HttpRequest, org: str) -> HttpResponse:
    rows = _breaches(request).order_by("discovered_at", "pk")
    return _export(request, form_class=BreachForm, rows=rows, name="breach-log", title="Breach log")


@require_role(Role.EDITOR)
def breaches_import(request: HttpRequest, org: str) -> HttpResponse:
    return _import(
        request,
        form_class=BreachForm,
        register="breach log",
        back_url="registers:breaches",
        done="entries into the breach log",
    )


# ---------------------------------------------------------------- subject access requests


def _sars(request: HttpRequest):
    return SubjectAccessRequest.objects.filter(organisation=request.organisation)


@require_GET
def sars(request: HttpRequest, org: str) -> HttpResponse:
    form = SarFilterForm(request.GET or None)
    today = timezone.localdate()
    rows = list(_sars(request))
    if form.is_valid() and form.cleaned_data["status"]:
        rows = [r for r in rows if r.status(today) == form.cleaned_data["status"]]
    if form.is_valid() and form.cleaned_data["q"]:
        rows = [r for r in rows if form.cleaned_data["q"].casefold() in r.requester.casefold()]
    context = {
        "form": form,
        "rows": rows,
        "today": today,
        "filtered": form.is_valid() and any(form.cleaned_data.values()),
    }
    return render(request, "registers/sars.html", context)


@require_role(Role.EDITOR)
def sar_create(request: HttpRequest, org: str) -> HttpResponse:
    form = SarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sar = form.save(commit=False)
        sar.organisation = request.organisation
        services.sar_save(sar=sar, before=None, by=request.user, request=request)
        messages.success(
            request, f"Request from {sar.requester}: answer by {sar.due_on:%-d %B %Y}."
        )
        return redirect("registers:sars", org)
    return render(request, "registers/sar_form.html", {"form": form})


def sar_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Everyone may read a request; editors may change it."""
    sar = get_object_or_404(_sars(request), pk=pk)
    before = services.sar_snapshot(sar)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = SarForm(request.POST, instance=sar)
        if form.is_valid():
            services.sar_save(
                sar=form.save(commit=False), before=before, by=request.user, request=request
            )
            messages.success(request, f"The request from {sar.requester} is saved.")
            return redirect("registers:sars", org)
    else:
        form = SarForm(instance=sar)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {"form": form, "sar": sar, "today": timezone.localdate()}
    return render(request, "registers/sar_form.html", context)


@require_GET
def sars_export(request: HttpRequest, org: str) -> HttpResponse:
    rows = _sars(request).order_by("received_on", "pk")
    return _export(
        request, form_class=SarForm, rows=rows, name="subject-access-requests", title="Requests"
    )


@require_role(Role.EDITOR)
def sars_import(request: HttpRequest, org: str) -> HttpResponse:
    return _import(
        request,
        form_class=SarForm,
        register="subject access requests",
        back_url="registers:sars",
        done="subject access requests",
    )


# ---------------------------------------------------------------- IT systems and devices


def _assets(request: HttpRequest):
    return ITAsset.objects.filter(organisation=request.organisation)


@require_GET
def assets(request: HttpRequest, org: str) -> HttpResponse:
    form = ITAssetFilterForm(request.GET or None)
    today = timezone.localdate()
    rows = _assets(request)
    data = form.cleaned_data if form.is_valid() else {"kind": "", "show": "", "q": ""}
    rows = rows.filter(retired_on__isnull=False) if data["show"] == "retired" else rows.in_use()
    if data["show"] == "unsupported":
        rows = rows.unsupported(today)
    elif data["show"] == "mfa_off":
        rows = rows.filter(mfa=YesNo.NO)
    if data["kind"]:
        rows = rows.filter(kind=data["kind"])
    if data["q"]:
        rows = rows.filter(Q(name__icontains=data["q"]) | Q(supplier__icontains=data["q"]))
    context = {
        "form": form,
        "rows": list(rows),
        "today": today,
        "figures": services.asset_figures(organisation=request.organisation, on=today),
        "filtered": any(data.values()),
        "refs": ASSET_REFS,
    }
    return render(request, "registers/assets.html", context)


@require_role(Role.EDITOR)
def asset_create(request: HttpRequest, org: str) -> HttpResponse:
    form = ITAssetForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        asset = form.save(commit=False)
        asset.organisation = request.organisation
        services.it_asset_save(asset=asset, before=None, by=request.user, request=request)
        messages.success(request, f"“{asset.name}” is on the IT register.")
        return redirect("registers:assets", org)
    return render(request, "registers/asset_form.html", {"form": form})


def asset_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Everyone may read an entry; editors may change it."""
    asset = get_object_or_404(_assets(request), pk=pk)
    before = services.snapshot(asset)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = ITAssetForm(request.POST, instance=asset)
        if form.is_valid():
            services.it_asset_save(
                asset=form.save(commit=False), before=before, by=request.user, request=request
            )
            messages.success(request, f"“{asset.name}” is saved.")
            return redirect("registers:assets", org)
    else:
        form = ITAssetForm(instance=asset)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {"form": form, "asset": asset, "today": timezone.localdate()}
    return render(request, "registers/asset_form.html", context)


@require_GET
def assets_export(request: HttpRequest, org: str) -> HttpResponse:
    rows = _assets(request).order_by("name", "pk")
    return _export(
        request, form_class=ITAssetForm, rows=rows, name="it-register", title="IT register"
    )


@require_role(Role.EDITOR)
def assets_import(request: HttpRequest, org: str) -> HttpResponse:
    return _import(
        request,
        form_class=ITAssetForm,
        register="IT systems and devices register",
        back_url="registers:assets",
        done="systems and devices",
    )


# ---------------------------------------------------------------- suppliers


def _suppliers(request: HttpRequest):
    return Supplier.objects.filter(organisation=request.organisation)


@require_GET
def suppliers(request: HttpRequest, org: str) -> HttpResponse:
    form = SupplierFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"show": "", "q": ""}
    rows = _suppliers(request)
    if data["show"] == "ended":
        rows = rows.filter(ended_on__isnull=False)
    else:
        rows = rows.filter(ended_on__isnull=True)
    if data["show"] == "admin":
        rows = rows.filter(admin_access=True)
    elif data["show"] == "no_agreement":
        rows = rows.filter(admin_access=True, admin_agreement_signed_on__isnull=True)
    if data["q"]:
        rows = rows.filter(Q(name__icontains=data["q"]) | Q(service__icontains=data["q"]))
    context = {
        "form": form,
        "rows": list(rows),
        "figures": services.supplier_figures(organisation=request.organisation),
        "filtered": any(data.values()),
        "refs": SUPPLIER_REFS,
    }
    return render(request, "registers/suppliers.html", context)


@require_role(Role.EDITOR)
def supplier_create(request: HttpRequest, org: str) -> HttpResponse:
    form = SupplierForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        supplier = form.save(commit=False)
        supplier.organisation = request.organisation
        services.supplier_save(supplier=supplier, before=None, by=request.user, request=request)
        messages.success(request, f"{supplier.name} is on the supplier register.")
        return redirect("registers:suppliers", org)
    return render(request, "registers/supplier_form.html", {"form": form})


def supplier_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Everyone may read an entry; editors may change it."""
    supplier = get_object_or_404(_suppliers(request), pk=pk)
    before = services.snapshot(supplier)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = SupplierForm(request.POST, instance=supplier)
        if form.is_valid():
            services.supplier_save(
                supplier=form.save(commit=False), before=before, by=request.user, request=request
            )
            messages.success(request, f"{supplier.name} is saved.")
            return redirect("registers:suppliers", org)
    else:
        form = SupplierForm(instance=supplier)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "registers/supplier_form.html", {"form": form, "supplier": supplier})


@require_GET
def suppliers_export(request: HttpRequest, org: str) -> HttpResponse:
    rows = _suppliers(request).order_by("name", "pk")
    return _export(request, form_class=SupplierForm, rows=rows, name="suppliers", title="Suppliers")


@require_role(Role.EDITOR)
def suppliers_import(request: HttpRequest, org: str) -> HttpResponse:
    return _import(
        request,
        form_class=SupplierForm,
        register="supplier register",
        back_url="registers:suppliers",
        done="suppliers",
    )


# ---------------------------------------------------------------- information assets


def _information(request: HttpRequest):
    return InformationAsset.objects.filter(organisation=request.organisation)


@require_GET
def information(request: HttpRequest, org: str) -> HttpResponse:
    form = InformationAssetFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"held_as": "", "q": ""}
    rows = _information(request)
    if data["held_as"]:
        rows = rows.filter(held_as=data["held_as"])
    if data["q"]:
        rows = rows.filter(
            Q(name__icontains=data["q"])
            | Q(owner__icontains=data["q"])
            | Q(shared_with__icontains=data["q"])
        )
    context = {
        "form": form,
        "rows": list(rows),
        "figures": services.information_asset_figures(organisation=request.organisation),
        "filtered": any(data.values()),
        "refs": INFO_REFS,
    }
    return render(request, "registers/information.html", context)


@require_role(Role.EDITOR)
def information_create(request: HttpRequest, org: str) -> HttpResponse:
    form = InformationAssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        asset = form.save(commit=False)
        asset.organisation = request.organisation
        services.information_asset_save(asset=asset, before=None, by=request.user, request=request)
        messages.success(request, f"“{asset.name}” is on the information asset register.")
        return redirect("registers:information", org)
    return render(request, "registers/information_form.html", {"form": form})


def information_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Everyone may read an entry; editors may change it."""
    asset = get_object_or_404(_information(request), pk=pk)
    before = services.snapshot(asset)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = InformationAssetForm(request.POST, instance=asset)
        if form.is_valid():
            services.information_asset_save(
                asset=form.save(commit=False), before=before, by=request.user, request=request
            )
            messages.success(request, f"“{asset.name}” is saved.")
            return redirect("registers:information", org)
    else:
        form = InformationAssetForm(instance=asset)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "registers/information_form.html", {"form": form, "asset": asset})


@require_GET
def information_export(request: HttpRequest, org: str) -> HttpResponse:
    rows = _information(request).order_by("name", "pk")
    return _export(
        request,
        form_class=InformationAssetForm,
        rows=rows,
        name="information-assets",
        title="Information assets",
    )


@require_role(Role.EDITOR)
def information_import(request: HttpRequest, org: str) -> HttpResponse:
    return _import(
        request,
        form_class=InformationAssetForm,
        register="information asset register",
        back_url="registers:information",
        done="information assets",
    )


# ---------------------------------------------------------------- continuity plan tests


def _continuity(request: HttpRequest):
    return ContinuityTest.objects.filter(organisation=request.organisation)


@require_GET
def continuity(request: HttpRequest, org: str) -> HttpResponse:
    form = ContinuityFilterForm(request.GET or None)
    rows = _continuity(request)
    scenario = form.cleaned_data["scenario"] if form.is_valid() else ""
    if scenario:
        rows = rows.filter(scenario=scenario)
    context = {
        "form": form,
        "filtered": bool(scenario),
        "rows": list(rows),
        "figures": services.continuity_figures(organisation=request.organisation),
        "refs": CONTINUITY_REFS,
    }
    return render(request, "registers/continuity.html", context)


@require_role(Role.EDITOR)
def continuity_create(request: HttpRequest, org: str) -> HttpResponse:
    form = ContinuityTestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        test = form.save(commit=False)
        test.organisation = request.organisation
        services.continuity_test_save(test=test, before=None, by=request.user, request=request)
        messages.success(request, "The test is recorded.")
        return redirect("registers:continuity", org)
    return render(request, "registers/continuity_form.html", {"form": form})


def continuity_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Everyone may read an entry; editors may change it."""
    test = get_object_or_404(_continuity(request), pk=pk)
    before = services.snapshot(test)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = ContinuityTestForm(request.POST, instance=test)
        if form.is_valid():
            services.continuity_test_save(
                test=form.save(commit=False), before=before, by=request.user, request=request
            )
            messages.success(request, "The test is saved.")
            return redirect("registers:continuity", org)
    else:
        form = ContinuityTestForm(instance=test)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "registers/continuity_form.html", {"form": form, "test": test})


@require_GET
def continuity_export(request: HttpRequest, org: str) -> HttpResponse:
    rows = _continuity(request).order_by("tested_on", "pk")
    return _export(
        request,
        form_class=ContinuityTestForm,
        rows=rows,
        name="continuity-tests",
        title="Continuity tests",
    )


@require_role(Role.EDITOR)
def continuity_import(request: HttpRequest, org: str) -> HttpResponse:
    return _import(
        request,
        form_class=ContinuityTestForm,
        register="continuity plan tests",
        back_url="registers:continuity",
        done="continuity plan tests",
    )


@require_role(Role.EDITOR)
def entry_delete(request: HttpRequest, org: str, pk: int, register: str) -> HttpResponse:
    """Ask first; then remove an entry made in error, keeping what it said in the log."""
    model, list_name, edit_name, name, kind, instead = DELETABLE[register]
    entry = get_object_or_404(model.objects.filter(organisation=request.organisation), pk=pk)
    if request.method == "POST":
        label = str(entry)
        services.entry_delete(entry=entry, by=request.user, request=request)
        messages.success(
            request, f"“{label}” is removed from {name}. The activity log keeps what it said."
        )
        return redirect(list_name, org)
    context = {
        "entry": entry,
        "register": name,
        "kind": kind,
        "instead": instead,
        "edit_url": reverse(edit_name, args=[org, pk]),
    }
    return render(request, "registers/delete.html", context)
