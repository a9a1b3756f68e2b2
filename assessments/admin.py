"""Staff support views. The catalogue is read-only here: change it with import_dspt."""

from django.contrib import admin

from .models import (
    Approval,
    Assertion,
    Assessment,
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


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "dspt_year", "catalogue", "status", "revision", "updated_at"]
    list_filter = ["status", "dspt_year", "catalogue"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    list_select_related = ["organisation", "catalogue"]
    readonly_fields = ["organisation", "catalogue", "created_by", "created_at", "updated_at"]
    raw_id_fields = ["submitted_by", "returned_by"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["item", "organisation", "status", "owner", "not_applicable", "updated_at"]
    list_filter = ["status", "not_applicable", "review_needed", "item__level", "item__category"]
    search_fields = ["item__ref", "organisation__name", "organisation__ods_code", "narrative"]
    list_select_related = ["item", "organisation", "owner"]
    readonly_fields = ["organisation", "assessment", "item", "carried_from", "updated_by"]
    raw_id_fields = ["owner"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["response", "author", "created_at"]
    search_fields = ["text", "author__email"]
    list_select_related = ["response__item", "response__assessment__organisation", "author"]
    readonly_fields = ["organisation", "response", "author"]


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ["assessment", "revision", "outcome_level", "approved_by", "approved_at"]
    list_display += ["published_on", "published_outcome"]
    list_filter = ["outcome_level", "published_outcome"]
    search_fields = ["assessment__organisation__name"]
    list_select_related = ["assessment__organisation", "approved_by"]
    readonly_fields = ["organisation", "assessment", "snapshot", "approved_by", "submitted_by"]


class ImprovementActionItemInline(admin.TabularInline):
    from .models import ImprovementActionItem

    model = ImprovementActionItem
    extra = 0
    raw_id_fields = ["response"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "owner", "target_date", "status", "completed_on"]
    list_filter = ["status", "target_date"]
    search_fields = ["title", "organisation__name", "organisation__ods_code", "owner__email"]
    list_select_related = ["organisation", "owner"]
    raw_id_fields = ["assessment", "owner", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ImprovementActionItemInline]
