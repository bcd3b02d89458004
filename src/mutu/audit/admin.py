from django.contrib import admin

from mutu.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is read-only everywhere, the admin included."""

    list_display = ["created_at", "actor", "action", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "reason"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
