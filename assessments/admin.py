"""Staff support views. The catalogue is read-only here: load a new version with import_dspt
or the "Load the official list" page (NHS England's spreadsheet, previewed, logged).

A home's assessment, answers, comments, approvals and plan are read-only too; the support
changes staff may need are admin actions that write to the home's activity log.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from organisations.services import activity_record, staff_action_record

from .catalogue import CatalogueError, catalogue_load, catalogue_read_xlsx, content_hash
from .catalogue_preview import catalogue_preview
from .catalogue_xlsx import MAX_BYTES
from .models import (
    Approval,
    Assertion,
    Assessment,
    AssessmentStatus,
    CatalogueVersion,
    Comment,
    EvidenceItem,
    ImprovementAction,
    Response,
    Standard,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Loaded catalogue versions are never edited in place."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label="The DSPT spreadsheet (.xlsx)",
        help_text="As downloaded from the toolkit's help pages, e.g. "
        "“Version8_25-26 CAT2 Cat3 and CAT4.xlsx”.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    key = forms.SlugField(
        required=False,
        max_length=40,
        help_text="Only if the file name does not say the year, e.g. 2025-26-v8-official.",
    )
    label = forms.CharField(required=False, max_length=100)
    year = forms.IntegerField(
        required=False, min_value=2018, max_value=2100, help_text="The deadline's year."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Choose the .xlsx spreadsheet (Excel workbook).")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("This file is larger than the DSPT spreadsheet can be.")
        return upload


SESSION_KEY = "catalogue_import"


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ["label", "key", "dspt_year", "released", "loaded_at"]
    list_filter = ["dspt_year"]
    search_fields = ["key", "label"]
    change_list_template = "admin/assessments/catalogueversion/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="assessments_catalogueversion_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload NHS England's spreadsheet, see what it would load and change, confirm."""
        context = {**self.admin_site.each_context(request), "title": "Load the official list"}
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        form = CatalogueUploadForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    data = catalogue_read_xlsx(
                        form.cleaned_data["file"],
                        file_name=form.cleaned_data["file"].name,
                        version={
                            "key": form.cleaned_data["key"],
                            "label": form.cleaned_data["label"],
                            "dspt_year": form.cleaned_data["year"],
                        },
                    )
                except CatalogueError as e:
                    context["errors"] = e.errors
                else:
                    preview = catalogue_preview(data)
                    request.session[SESSION_KEY] = {
                        "hash": content_hash(data),
                        "file": form.cleaned_data["file"].name,
                        "data": data,
                    }
                    context.update({"preview": preview, "hash": content_hash(data)})
                    status = 200
        context["form"] = form
        return TemplateResponse(
            request, "admin/assessments/catalogueversion/import.html", context, status=status
        )

    def _confirm(self, request):
        pending = request.session.get(SESSION_KEY) or {}
        if not pending or pending.get("hash") != request.POST.get("hash"):
            messages.error(request, "That preview has expired: upload the spreadsheet again.")
            return redirect("admin:assessments_catalogueversion_import")
        try:
            result = catalogue_load(pending["data"])
        except CatalogueError as e:
            messages.error(request, " ".join(e.errors))
            return redirect("admin:assessments_catalogueversion_import")
        del request.session[SESSION_KEY]
        if result.created:
            activity_record(
                organisation=None,
                actor=request.user,
                action="catalogue.imported",
                target=result.version,
                changes={
                    "key": result.version.key,
                    "file": pending["file"],
                    "items": result.version.items.count(),
                },
                request=request,
            )
        messages.success(request, result.message)
        return redirect(reverse("admin:assessments_catalogueversion_changelist"))


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "ndg_group", "version"]
    list_filter = ["version", "ndg_group"]
    search_fields = ["name"]
    list_select_related = ["version"]


@admin.register(Assertion)
class AssertionAdmin(ReadOnlyAdmin):
    list_display = ["ref", "title", "standard", "version"]
    list_filter = ["version", "standard__number"]
    search_fields = ["ref", "title"]
    list_select_related = ["version", "standard"]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin):
    list_display = ["ref", "summary", "level", "category", "answer_type", "na_allowed", "version"]
    list_filter = ["version", "level", "category", "answer_type", "na_allowed", "standard__number"]
    search_fields = ["ref", "summary", "guidance"]
    list_select_related = ["version"]


class TenantRecordAdmin(ReadOnlyAdmin):
    """A home's own record (answers, comments, approvals, plan): staff can read it here,
    never rewrite or delete it. Support changes are the explicit, logged actions below."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Assessment)
class AssessmentAdmin(TenantRecordAdmin):
    list_display = ["organisation", "dspt_year", "catalogue", "status", "revision", "updated_at"]
    list_filter = ["status", "dspt_year", "catalogue"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    list_select_related = ["organisation", "catalogue"]
    exclude = ["carry_forward_report"]
    actions = ["unlock_for_changes"]

    @admin.action(description="Unlock for changes (platform support; logged for the home)")
    @transaction.atomic
    def unlock_for_changes(self, request, queryset):
        unlocked = 0
        for assessment in queryset.select_related("organisation"):
            before = assessment.status
            if before == AssessmentStatus.DRAFT:
                continue
            if before == AssessmentStatus.AWAITING_APPROVAL:
                assessment.status = AssessmentStatus.DRAFT
                assessment.save(update_fields=["status", "updated_at"])
            else:  # approved or published: a new revision; earlier approvals stay as they were
                assessment.status = AssessmentStatus.DRAFT
                assessment.revision += 1
                assessment.submitted_by = assessment.submitted_at = None
                assessment.save()
            staff_action_record(
                organisations=[assessment.organisation],
                staff=request.user,
                action="assessment.unlocked_by_support",
                target=assessment,
                changes={"status": [before, AssessmentStatus.DRAFT]},
                request=request,
            )
            unlocked += 1
        messages.success(request, f"{unlocked} assessment(s) unlocked for changes.")


@admin.register(Response)
class ResponseAdmin(TenantRecordAdmin):
    list_display = ["item", "organisation", "status", "owner", "not_applicable", "updated_at"]
    list_filter = ["status", "not_applicable", "review_needed", "item__level", "item__category"]
    search_fields = ["item__ref", "organisation__name", "organisation__ods_code", "narrative"]
    list_select_related = ["item", "organisation", "owner"]


REDACTED = "[Removed by platform support]"


@admin.register(Comment)
class CommentAdmin(TenantRecordAdmin):
    list_display = ["response", "author", "created_at"]
    search_fields = ["text", "author__email"]
    list_select_related = ["response__item", "response__assessment__organisation", "author"]
    actions = ["redact"]

    @admin.action(description="Remove the text (e.g. personal data posted by mistake; logged)")
    @transaction.atomic
    def redact(self, request, queryset):
        comments = list(queryset.exclude(text=REDACTED).select_related("organisation"))
        for comment in comments:
            comment.text = REDACTED
            comment.save(update_fields=["text"])
            staff_action_record(
                organisations=[comment.organisation],
                staff=request.user,
                action="comment.removed_by_support",
                target=comment,
                request=request,
            )
        messages.success(request, f"{len(comments)} comment(s) removed.")


@admin.register(Approval)
class ApprovalAdmin(TenantRecordAdmin):
    list_display = ["assessment", "revision", "outcome_level", "approved_by", "approved_at"]
    list_display += ["published_on", "published_outcome"]
    list_filter = ["outcome_level", "published_outcome"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "approved_by"]
    exclude = ["snapshot"]


class ImprovementActionItemInline(admin.TabularInline):
    from .models import ImprovementActionItem

    model = ImprovementActionItem
    extra = 0
    raw_id_fields = ["response"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(TenantRecordAdmin):
    list_display = ["title", "organisation", "owner", "target_date", "status", "completed_on"]
    list_filter = ["status", "target_date"]
    search_fields = ["title", "organisation__name", "organisation__ods_code", "owner__email"]
    list_select_related = ["organisation", "owner"]
    inlines = [ImprovementActionItemInline]
