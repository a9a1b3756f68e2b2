from django.contrib import admin, messages

from .models import Email, EmailStatus


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "name"]
    search_fields = ["subject", "to"]
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request, queryset):
        from .services import enqueue_on_commit
        from .tasks import outbox_email_send_task

        failed = list(queryset.filter(status=EmailStatus.FAILED).values_list("pk", flat=True))
        queryset.filter(pk__in=failed).update(status=EmailStatus.PENDING, attempts=0)
        for pk in failed:
            enqueue_on_commit(outbox_email_send_task, pk)
        messages.success(request, f"{len(failed)} email(s) queued again.")
