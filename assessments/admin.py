"""Staff support views. The catalogue is read-only here: change it with import_dspt.

A home's assessment, answers, comments, approvals and plan are read-only too; the support
changes staff may need are admin actions that write to the home's activity log.
"""

from django.contrib import admin, messages
from django.db import transaction

from organisations.services import staff_action_record

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


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ["label", "key", "dspt_year", "released", "loaded_at"]
    list_filter = ["dspt_year"]
    search_fields = ["key", "label"]


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
