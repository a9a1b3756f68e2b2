from django.contrib import admin, messages

from .models import EmailStatus, NotificationPreference, Reminder, ReminderEmail


class ReminderInline(admin.TabularInline):
    model = Reminder
    fields = ["kind", "title", "organisation", "due_on", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReminderEmail)
class ReminderEmailAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "kind", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind", "day"]
    search_fields = ["recipient__email", "subject", "last_error"]
    date_hierarchy = "day"
    readonly_fields = [
        "recipient",
        "kind",
        "day",
        "slot",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "subject",
        "last_error",
        "created_at",
    ]
    inlines = [ReminderInline]
    actions = ["retry"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed emails again")
    def retry(self, request, queryset):
        from outbox.services import enqueue_on_commit

        from .tasks import reminder_email_send_task

        failed = list(queryset.filter(status=EmailStatus.FAILED).values_list("pk", flat=True))
        queryset.filter(pk__in=failed).update(status=EmailStatus.PENDING, last_error="")
        for pk in failed:
            enqueue_on_commit(reminder_email_send_task, pk)
        messages.success(request, f"{len(failed)} email(s) queued again.")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "organisation", "kind", "title", "due_on", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "recipient__email",
        "title",
        "key",
        "organisation__name",
        "organisation__ods_code",
    ]
    list_select_related = ["recipient", "organisation"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "enabled", "updated_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
