"""Staff support tool: reports and badges are read-only here (tenant data)."""

from django.contrib import admin

from .models import Report, StatusBadge


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "kind", "status", "progress", "requested_at", "size"]
    list_filter = ["status", "kind", "requested_at"]
    search_fields = ["title", "organisation__name", "organisation__ods_code", "requested_by__email"]
    list_select_related = ["organisation"]
    date_hierarchy = "requested_at"
    exclude = ["data"]
    readonly_fields = [
        "organisation", "assessment", "approval", "kind", "status", "progress", "title",
        "file", "download_name", "size", "sha256", "error", "requested_by", "requested_at",
        "started_at", "finished_at",
    ]  # fmt: skip


@admin.register(StatusBadge)
class StatusBadgeAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "enabled", "changed_at", "changed_by"]
    list_filter = ["enabled"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    readonly_fields = ["organisation", "enabled", "changed_by", "changed_at"]
    exclude = ["token"]
