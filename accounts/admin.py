"""Platform support for people and their second factors.

Staff never see or edit a second-factor secret; they can remove a second factor. Users who
authored anything are deactivated, never deleted. Each such action is written to the
activity log of every organisation the user belongs to.
"""

from allauth.mfa.base.internal.flows import delete_dangling_recovery_codes
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from organisations.models import ActivityLog, Organisation
from organisations.services import staff_action_record

from .models import User


def _organisations_of(user) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


def authored_anything(user) -> bool:
    """Every change to an organisation's record is in its activity log, so that log says
    whether this person wrote anything."""
    return ActivityLog.objects.filter(actor=user).exclude(organisation=None).exists()


def user_deactivate(*, user, staff, request=None) -> None:
    """Sign the person out everywhere and stop them signing in; their work stays theirs."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        staff_action_record(
            organisations=_organisations_of(user),
            staff=staff,
            action="user.deactivated",
            target=user,
            changes={"email": user.email},
            request=request,
        )
    for session in UserSession.objects.filter(user=user):
        session.end()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    # Deactivating (and reactivating) is an action, so that it is logged and ends sessions.
    readonly_fields = ["is_active", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "job_title"]}),
        # No groups: the portal's roles live in memberships, the admin is for superusers.
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    actions = ["deactivate", "reactivate"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # A bulk delete would not look at each person's work: delete one at a time, or
        # deactivate.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and authored_anything(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Deactivate: sign out everywhere and stop signing in")
    def deactivate(self, request, queryset):
        users = list(queryset.filter(is_active=True))
        for user in users:
            user_deactivate(user=user, staff=request.user, request=request)
        messages.success(request, f"{len(users)} account(s) deactivated and signed out.")

    @admin.action(description="Reactivate the selected accounts")
    @transaction.atomic
    def reactivate(self, request, queryset):
        users = list(queryset.filter(is_active=False))
        for user in users:
            user.is_active = True
            user.save(update_fields=["is_active"])
            staff_action_record(
                organisations=_organisations_of(user),
                staff=request.user,
                action="user.reactivated",
                target=user,
                changes={"email": user.email},
                request=request,
            )
        messages.success(request, f"{len(users)} account(s) reactivated.")


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Second factors: who has one, of what kind, when last used. Never the secret."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields
    actions = ["remove_second_factor"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # only through the logged action below

    @admin.action(description="Remove this second factor (the person sets up a new one)")
    @transaction.atomic
    def remove_second_factor(self, request, queryset):
        removed = 0
        for device in queryset.select_related("user"):
            user = device.user
            device.delete()
            delete_dangling_recovery_codes(user)
            removed += 1
            staff_action_record(
                organisations=_organisations_of(user),
                staff=request.user,
                action="user.second_factor_removed",
                target=user,
                changes={"type": device.type},
                request=request,
            )
        messages.success(
            request,
            f"{removed} second factor(s) removed. The person sets up a new one when they next "
            "sign in.",
        )
