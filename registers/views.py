"""Register pages: list with filters, add and edit, spreadsheet export and import, removing
an entry made in error.

Every register has the same pages. What differs between them (model, forms, templates,
filters, messages, file names) is one row of REGISTERS below; the views after it serve all
six, and urls.py makes each register's routes from the same rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
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


# ---------------------------------------------------------------- each register's filters
# (rows, the filter form's data, today) -> the rows to list. With no filters (or a filter
# form that does not validate) `data` has an empty value for every field.


def _breach_rows(rows, data, today):
    if data["risk"]:
        rows = rows.filter(risk=data["risk"])
    if data["clock"] == "open":
        rows = rows.clock_open()
    elif data["clock"] == ClockState.STOPPED:
        rows = rows.exclude(reporting=Reporting.NOT_DECIDED)
    if data["q"]:
        rows = rows.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
    return rows


def _sar_rows(rows, data, today):
    rows = list(rows)  # the status is worked out in Python (the month depends on the extension)
    if data["status"]:
        rows = [r for r in rows if r.status(today) == data["status"]]
    if data["q"]:
        rows = [r for r in rows if data["q"].casefold() in r.requester.casefold()]
    return rows


def _asset_rows(rows, data, today):
    rows = rows.filter(retired_on__isnull=False) if data["show"] == "retired" else rows.in_use()
    if data["show"] == "unsupported":
        rows = rows.unsupported(today)
    elif data["show"] == "mfa_off":
        rows = rows.filter(mfa=YesNo.NO)
    if data["kind"]:
        rows = rows.filter(kind=data["kind"])
    if data["q"]:
        rows = rows.filter(Q(name__icontains=data["q"]) | Q(supplier__icontains=data["q"]))
    return rows


def _supplier_rows(rows, data, today):
    rows = rows.filter(ended_on__isnull=data["show"] != "ended")
    if data["show"] == "admin":
        rows = rows.filter(admin_access=True)
    elif data["show"] == "no_agreement":
        rows = rows.filter(admin_access=True, admin_agreement_signed_on__isnull=True)
    if data["q"]:
        rows = rows.filter(Q(name__icontains=data["q"]) | Q(service__icontains=data["q"]))
    return rows


def _information_rows(rows, data, today):
    if data["held_as"]:
        rows = rows.filter(held_as=data["held_as"])
    if data["q"]:
        q = data["q"]
        rows = rows.filter(
            Q(name__icontains=q) | Q(owner__icontains=q) | Q(shared_with__icontains=q)
        )
    return rows


def _continuity_rows(rows, data, today):
    return rows.filter(scenario=data["scenario"]) if data["scenario"] else rows


# ---------------------------------------------------------------- the table of registers


@dataclass(frozen=True)
class Register:
    key: str  # the list's URL name; with _export, _import: "breaches"
    one: str  # one entry's URL names, with _create, _edit, _delete: "breach"
    path: str  # under /o/<home>/registers/: "breaches"
    model: type[Model]
    form: type
    filter_form: type
    rows: Callable  # the filters (above)
    save: Callable  # (entry, before=, by=, request=): the register's service
    entry_name: str  # the entry in its form template: {{ breach.title }}
    added: Callable[[Any], str]  # the message after adding an entry
    saved: Callable[[Any], str]  # the message after saving changes
    figures: Callable | None  # (organisation, today) -> the list page's "Now" panel
    refs: list | None  # the items it answers, linked from the list page
    export_order: tuple[str, ...]
    file_name: str  # breach-log -> breach-log-<home>.csv
    sheet_title: str  # the XLSX sheet's name
    import_name: str  # "Import the breach log"
    imported: str  # "Imported 3 entries into the breach log."
    delete_name: str  # "removed from the breach log"
    delete_kind: str  # "Remove this breach?"
    delete_instead: str  # what to do with a real entry instead
    checked_today: bool = False  # a new entry's "checked on" starts as today
    related: tuple[str, ...] = ()  # select_related for the list and the export

    @property
    def template(self) -> str:
        return f"registers/{self.key}.html"

    @property
    def form_template(self) -> str:
        return f"registers/{self.one}_form.html"


REGISTERS: dict[str, Register] = {
    r.key: r
    for r in [
        Register(
            key="breaches",
            one="breach",
            path="breaches",
            model=Breach,
            form=BreachForm,
            filter_form=BreachFilterForm,
            rows=_breach_rows,
            save=lambda entry, **kw: services.breach_save(breach=entry, **kw),
            entry_name="breach",
            added=lambda b: f"“{b.title}” is in the breach log.",
            saved=lambda b: f"“{b.title}” is saved.",
            figures=lambda org, today: services.breach_figures(organisation=org),
            refs=BREACH_REFS,
            export_order=("discovered_at", "pk"),
            file_name="breach-log",
            sheet_title="Breach log",
            import_name="breach log",
            imported="entries into the breach log",
            delete_name="the breach log",
            delete_kind="breach",
            delete_instead="record the actions, the sign-off and the reporting decision instead.",
        ),
        Register(
            key="sars",
            one="sar",
            path="subject-access",
            model=SubjectAccessRequest,
            form=SarForm,
            filter_form=SarFilterForm,
            rows=_sar_rows,
            save=lambda entry, **kw: services.sar_save(sar=entry, **kw),
            entry_name="sar",
            added=lambda r: f"Request from {r.requester}: answer by {r.due_on:%-d %B %Y}.",
            saved=lambda r: f"The request from {r.requester} is saved.",
            figures=None,
            refs=None,
            export_order=("received_on", "pk"),
            file_name="subject-access-requests",
            sheet_title="Requests",
            import_name="subject access requests",
            imported="subject access requests",
            delete_name="the subject access requests",
            delete_kind="request",
            delete_instead="record the day it was answered instead.",
        ),
        Register(
            key="assets",
            one="asset",
            path="it",
            model=ITAsset,
            form=ITAssetForm,
            filter_form=ITAssetFilterForm,
            rows=_asset_rows,
            save=lambda entry, **kw: services.it_asset_save(asset=entry, **kw),
            entry_name="asset",
            added=lambda a: f"“{a.name}” is on the IT register.",
            saved=lambda a: f"“{a.name}” is saved.",
            figures=lambda org, today: services.asset_figures(organisation=org, on=today),
            refs=ASSET_REFS,
            export_order=("name", "pk"),
            file_name="it-register",
            sheet_title="IT register",
            import_name="IT systems and devices register",
            imported="systems and devices",
            delete_name="the IT register",
            delete_kind="system or device",
            delete_instead="give the date it stopped being used instead.",
            checked_today=True,
        ),
        Register(
            key="suppliers",
            one="supplier",
            path="suppliers",
            model=Supplier,
            form=SupplierForm,
            filter_form=SupplierFilterForm,
            rows=_supplier_rows,
            save=lambda entry, **kw: services.supplier_save(supplier=entry, **kw),
            entry_name="supplier",
            added=lambda s: f"{s.name} is on the supplier register.",
            saved=lambda s: f"{s.name} is saved.",
            figures=lambda org, today: services.supplier_figures(organisation=org),
            refs=SUPPLIER_REFS,
            export_order=("name", "pk"),
            file_name="suppliers",
            sheet_title="Suppliers",
            import_name="supplier register",
            imported="suppliers",
            delete_name="the supplier register",
            delete_kind="supplier",
            delete_instead="give the date you stopped using them instead.",
            checked_today=True,
            related=("admin_agreement_document",),
        ),
        Register(
            key="information",
            one="information",
            path="information",
            model=InformationAsset,
            form=InformationAssetForm,
            filter_form=InformationAssetFilterForm,
            rows=_information_rows,
            save=lambda entry, **kw: services.information_asset_save(asset=entry, **kw),
            entry_name="asset",
            added=lambda a: f"“{a.name}” is on the information asset register.",
            saved=lambda a: f"“{a.name}” is saved.",
            figures=lambda org, today: services.information_asset_figures(organisation=org),
            refs=INFO_REFS,
            export_order=("name", "pk"),
            file_name="information-assets",
            sheet_title="Information assets",
            import_name="information asset register",
            imported="information assets",
            delete_name="the information asset register",
            delete_kind="information asset",
            delete_instead="update it at its next review instead.",
        ),
        Register(
            key="continuity",
            one="continuity",
            path="continuity",
            model=ContinuityTest,
            form=ContinuityTestForm,
            filter_form=ContinuityFilterForm,
            rows=_continuity_rows,
            save=lambda entry, **kw: services.continuity_test_save(test=entry, **kw),
            entry_name="test",
            added=lambda t: "The test is recorded.",
            saved=lambda t: "The test is saved.",
            figures=lambda org, today: services.continuity_figures(organisation=org),
            refs=CONTINUITY_REFS,
            export_order=("tested_on", "pk"),
            file_name="continuity-tests",
            sheet_title="Continuity tests",
            import_name="continuity plan tests",
            imported="continuity plan tests",
            delete_name="the continuity plan tests",
            delete_kind="test",
            delete_instead="it is part of your record of testing the plan.",
        ),
    ]
}


# ---------------------------------------------------------------- the pages


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


def _rows(request: HttpRequest, register: Register):
    rows = register.model.objects.filter(organisation=request.organisation)
    return rows.select_related(*register.related) if register.related else rows


@require_GET
def entry_list(request: HttpRequest, org: str, register: Register) -> HttpResponse:
    form = register.filter_form(request.GET or None)
    filtered = form.is_valid() and any(form.cleaned_data.values())
    data = form.cleaned_data if form.is_valid() else dict.fromkeys(form.fields, "")
    today = timezone.localdate()
    context = {
        "form": form,
        "rows": list(register.rows(_rows(request, register), data, today)),
        "filtered": filtered,
        "now": timezone.now(),
        "today": today,
    }
    if register.figures:
        context["figures"] = register.figures(request.organisation, today)
    if register.refs:
        context["refs"] = register.refs
    return render(request, register.template, context)


@require_role(Role.EDITOR)
def entry_create(request: HttpRequest, org: str, register: Register) -> HttpResponse:
    initial = {"checked_on": timezone.localdate()} if register.checked_today else None
    form = register.form(request.POST or None, initial=initial, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.organisation = request.organisation
        register.save(entry, before=None, by=request.user, request=request)
        messages.success(request, register.added(entry))
        return redirect(f"registers:{register.key}", org)
    return render(request, register.form_template, {"form": form})


def entry_edit(request: HttpRequest, org: str, pk: int, register: Register) -> HttpResponse:
    """Everyone may read an entry; editors may change it."""
    entry = get_object_or_404(_rows(request, register), pk=pk)
    before = services.snapshot(entry)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        form = register.form(request.POST, instance=entry, organisation=request.organisation)
        if form.is_valid():
            register.save(form.save(commit=False), before=before, by=request.user, request=request)
            messages.success(request, register.saved(entry))
            return redirect(f"registers:{register.key}", org)
    else:
        form = register.form(instance=entry, organisation=request.organisation)
    if not request.membership.can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "form": form,
        register.entry_name: entry,
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    return render(request, register.form_template, context)


def _download(body, *, filename: str, kind: str) -> HttpResponse:
    content_type = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


@require_GET
def entries_export(request: HttpRequest, org: str, register: Register) -> HttpResponse:
    """The register as CSV, or XLSX with ?format=xlsx (the same columns as the import)."""
    rows = _rows(request, register).order_by(*register.export_order)
    head, cells = spreadsheets.table(register.form, rows)
    filename = f"{register.file_name}-{request.organisation.slug}"
    if request.GET.get("format") == "xlsx":
        body = spreadsheets.to_xlsx(head, cells, register.sheet_title)
        return _download(body, filename=filename, kind="xlsx")
    return _download(spreadsheets.to_csv(head, cells), filename=filename, kind="csv")


@require_role(Role.EDITOR)
def entries_import(request: HttpRequest, org: str, register: Register) -> HttpResponse:
    """Check every row; save them all, or none and show what to fix."""
    form, check, error = ImportForm(request.POST or None, request.FILES or None), None, ""
    back_url = f"registers:{register.key}"
    if request.method == "POST" and form.is_valid():
        try:
            check = spreadsheets.import_check(
                register.form,
                spreadsheets.read_rows(form.cleaned_data["file"]),
                organisation=request.organisation,
            )
        except spreadsheets.SpreadsheetError as exc:
            error = str(exc)
        if check is not None and check.is_valid:
            count = services.entries_import(
                check=check, organisation=request.organisation, by=request.user, request=request
            )
            messages.success(request, f"Imported {count} {register.imported}.")
            return redirect(back_url, org)
    context = {
        "form": form,
        "check": check,
        "error": error,
        "headings": spreadsheets.headings(register.form),
        "register": register.import_name,
        "back_url": back_url,
    }
    return render(request, "registers/import.html", context)


@require_role(Role.EDITOR)
def entry_delete(request: HttpRequest, org: str, pk: int, register: Register) -> HttpResponse:
    """Ask first; then remove an entry made in error, keeping what it said in the log."""
    entry = get_object_or_404(_rows(request, register), pk=pk)
    if request.method == "POST":
        label = str(entry)
        services.entry_delete(entry=entry, by=request.user, request=request)
        where = register.delete_name
        messages.success(
            request, f"“{label}” is removed from {where}. The activity log keeps what it said."
        )
        return redirect(f"registers:{register.key}", org)
    context = {
        "entry": entry,
        "register": register.delete_name,
        "kind": register.delete_kind,
        "instead": register.delete_instead,
        "edit_url": reverse(f"registers:{register.one}_edit", args=[org, pk]),
    }
    return render(request, "registers/delete.html", context)
