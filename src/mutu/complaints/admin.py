"""Django admin for complaints: read-only complaints (they change only through
:mod:`mutu.complaints.services`), the working-day calendar's adjustments (through
``calendar_day_set``) and the units' answer templates."""

from django.contrib import admin

from mutu.admin_writes import RefusalAsMessage, adopt
from mutu.complaints import services
from mutu.complaints.models import AnswerTemplate, CalendarDay, Complaint


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: the workflow runs on the unit's pages."""

    list_display = ["tracking_code", "unit", "kind", "channel", "status", "filed_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["tracking_code", "unit__name"]
    exclude = ["reporter_name", "reporter_email", "reporter_phone", "contact"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(RefusalAsMessage, admin.ModelAdmin):
    """Dates the national admin adds to or removes from the holiday list (D9)."""

    list_display = ["day", "working", "reason"]

    def save_model(self, request, obj, form, change):
        saved = services.calendar_day_set(
            actor=request.user, day=obj.day, working=obj.working, reason=obj.reason
        )
        adopt(obj, saved)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "unit"]
    raw_id_fields = ["unit"]
