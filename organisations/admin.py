from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .closure import organisation_closure_restore
from .models import ActivityLog, Invitation, Membership, Organisation, OrganisationClosure
from .services import staff_action_record


class StaffAuditedAdmin(admin.ModelAdmin):
    """Every change staff make here is written to the organisation's activity log."""

    def _organisation(self, obj) -> Organisation:
        return obj if isinstance(obj, Organisation) else obj.organisation

    def _record(self, request, obj, verb: str, changes=None) -> None:
        staff_action_record(
            organisations=[self._organisation(obj)],
            staff=request.user,
            action=f"{obj._meta.model_name}.{verb}_by_support",
            target=obj,
            changes=changes,
            request=request,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            self._record(request, obj, "changed", {"fields": list(form.changed_data)})

    def delete_model(self, request, obj):
        self._record(request, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, "deleted")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                self._record(request, deleted.instance, "deleted")
        super().save_formset(request, form, formset, change)
        for obj, fields in formset.changed_objects:
            self._record(request, obj, "changed", {"fields": list(fields)})
        for obj in formset.new_objects:
            self._record(request, obj, "created")


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(StaffAuditedAdmin):
    list_display = [
        "name",
        "ods_code",
        "service_type",
        "parent",
        "require_mfa",
        "closes_on",
        "created_at",
    ]
    list_filter = ["service_type", "require_mfa", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "ods_code", "cqc_location_id", "postcode"]
    prepopulated_fields = {"slug": ["ods_code"]}
    raw_id_fields = ["parent", "ig_lead", "senior_accountable_person"]
    readonly_fields = ["closes_on", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an organisation's record and audit trail are kept


@admin.register(Membership)
class MembershipAdmin(StaffAuditedAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = [
        "user__email",
        "user__full_name",
        "organisation__name",
        "organisation__ods_code",
    ]
    raw_id_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(StaffAuditedAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "organisation__name", "organisation__ods_code"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by"]
    raw_id_fields = ["organisation", "invited_by"]
    list_select_related = ["organisation", "invited_by"]
    fields = [
        "organisation",
        "email",
        "role",
        "expires_at",
        "revoked_at",
        "token",
        "created_at",
        "accepted_at",
        "accepted_by",
    ]

    def get_changeform_initial_data(self, request):
        import datetime as dt

        from django.conf import settings
        from django.utils import timezone

        return {"expires_at": timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)}

    def save_model(self, request, obj, form, change):
        """Staff can invite from here too: a new invitation is emailed like one from the app."""
        from .services import activity_record, invitation_send

        if not change:
            obj.invited_by = request.user
            obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)
        if not change:
            if obj.organisation_id is not None:
                self._record(request, obj, "created", {"email": obj.email, "role": obj.role})
            activity_record(
                organisation=obj.organisation,
                actor=request.user,
                action="invitation.created",
                target=obj,
                changes={"email": obj.email, "role": obj.role, "via": "admin"},
                request=request,
            )
            invitation_send(invitation=obj)


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, even for platform staff."""

    list_display = [
        "created_at",
        "actor_email",
        "organisation",
        "action",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["action", "created_at"]
    search_fields = [
        "actor_email",
        "action",
        "object_repr",
        "organisation__name",
        "organisation__ods_code",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganisationClosure)
class OrganisationClosureAdmin(admin.ModelAdmin):
    """Closed organisations: who closed each, when, when it is (or was) erased. Read-only,
    kept after the erasure; the one action restores an organisation still in its grace
    period (written to its activity log with the staff member's name)."""

    list_display = [
        "name",
        "ods_code",
        "status",
        "closed_by_email",
        "closed_at",
        "erase_on",
        "erased_at",
        "restored_at",
        "restored_by_email",
    ]
    list_filter = [("erased_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "ods_code", "closed_by_email"]
    actions = ["restore"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Restore the selected organisations (cancel the closure)")
    def restore(self, request, queryset):
        for closure in queryset.select_related("organisation"):
            try:
                organisation_closure_restore(closure=closure, staff=request.user, request=request)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"{closure.name} is open again.", messages.SUCCESS)
