"""Views for the staff training register (evidence item 3.2.1)."""

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisations.access import require_role
from organisations.models import Role

from . import services
from .forms import StaffMemberForm, SummaryDateForm, TrainingImportForm, TrainingRecordForm
from .models import StaffMember, TrainingRecord
from .training_import import MAX_BYTES as TRAINING_IMPORT_MAX_BYTES
from .training_import import (
    TEMPLATE_HEADER,
    ImportFileError,
    read_upload,
    training_import,
    training_import_preview,
)
from .uploads import streaming_size_limit, upload_was_too_large


def _staff(request: HttpRequest, pk: int) -> StaffMember:
    return get_object_or_404(StaffMember.objects.filter(organisation=request.organisation), pk=pk)


def training(request: HttpRequest, org: str) -> HttpResponse:
    form = SummaryDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() else None
    summary = services.training_summary(organisation=request.organisation, on=on)
    rows = summary.trained + summary.missing
    trained_ids = {row.staff_member.pk for row in summary.trained}
    return render(
        request,
        "evidence/training.html",
        {
            "form": form,
            "summary": summary,
            "today": timezone.localdate(),
            "trained_ids": trained_ids,
            "rows": sorted(rows, key=lambda r: r.name.casefold()),
        },
    )


@require_role(Role.EDITOR)
def staff_create(request: HttpRequest, org: str) -> HttpResponse:
    form = StaffMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.organisation = request.organisation
        services.staff_member_save(
            staff_member=person, before=None, by=request.user, request=request
        )
        messages.success(request, f"{person.name} is on the register. Add their training below.")
        return redirect("evidence:staff_edit", org, person.pk)
    return render(request, "evidence/staff_form.html", {"form": form})


@require_role(Role.EDITOR)
def staff_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    person = _staff(request, pk)
    before = {f: getattr(person, f) for f in services.STAFF_FIELDS}
    form = StaffMemberForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.staff_member_save(
            staff_member=form.save(commit=False), before=before, by=request.user, request=request
        )
        messages.success(request, f"{person.name}'s details are saved.")
        return redirect("evidence:training", org)
    return render(
        request,
        "evidence/staff_form.html",
        {
            "form": form,
            "person": person,
            "records": person.training_records.select_related("evidence"),
            "record_form": TrainingRecordForm(organisation=request.organisation),
        },
    )


@require_POST
@require_role(Role.EDITOR)
def record_add(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    person = _staff(request, pk)
    form = TrainingRecordForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        record = form.save(commit=False)
        record.staff_member = person
        services.training_record_add(record=record, by=request.user, request=request)
        messages.success(
            request, f"Training on {record.completed_on:%-d %B %Y} recorded for {person.name}."
        )
        return redirect("evidence:staff_edit", org, person.pk)
    return render(
        request,
        "evidence/staff_form.html",
        {
            "form": StaffMemberForm(instance=person),
            "person": person,
            "record_form": form,
            "records": person.training_records.select_related("evidence"),
        },
    )


@require_POST
@require_role(Role.EDITOR)
def record_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    record = get_object_or_404(
        TrainingRecord.objects.filter(organisation=request.organisation).select_related(
            "staff_member"
        ),
        pk=pk,
    )
    services.training_record_delete(record=record, by=request.user, request=request)
    messages.success(request, f"Removed {record.course} ({record.completed_on:%-d %B %Y}).")
    return redirect("evidence:staff_edit", org, record.staff_member_id)


@streaming_size_limit(max_bytes=TRAINING_IMPORT_MAX_BYTES)
@require_role(Role.EDITOR)
def training_import_view(request: HttpRequest, org: str) -> HttpResponse:
    """Upload -> preview with per-row errors -> confirm. Nothing is written before confirming."""
    form, preview, error = TrainingImportForm(), None, ""
    if request.method == "POST":
        try:
            if "confirm" in request.POST:
                people, records = training_import(
                    organisation=request.organisation,
                    text=request.POST.get("text", ""),
                    by=request.user,
                    request=request,
                )
                messages.success(
                    request, f"Imported: {people} new people and {records} training records."
                )
                return redirect("evidence:training", org)
            form = TrainingImportForm(
                request.POST, request.FILES, too_large=upload_was_too_large(request)
            )
            if form.is_valid():
                text = read_upload(form.cleaned_data["file"].read())
                preview = training_import_preview(organisation=request.organisation, text=text)
        except ImportFileError as exc:
            error = str(exc)
        except ValueError:
            error = "The file has changed and now has rows with problems. Nothing was imported."
    return render(
        request,
        "evidence/training_import.html",
        {
            "form": form,
            "preview": preview,
            "error": error,
            "header": TEMPLATE_HEADER,
        },
    )


def training_template(request: HttpRequest, org: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training-register-template.csv"'
    writer = csv.writer(response)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(
        [
            "Sam Carter",
            "Care assistant",
            "01/03/2024",
            "",
            "no",
            "no",
            "no",
            "yes",
            "Data security awareness",
            "15/09/2025",
        ]
    )
    return response
