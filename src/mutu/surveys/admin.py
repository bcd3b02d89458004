from django.contrib import admin

from mutu.surveys.models import DailyRollup, Response, ResponseFlag


class FlagInline(admin.TabularInline):
    model = ResponseFlag
    extra = 0
    can_delete = False
    readonly_fields = ["rule", "reason", "created_at"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Responses are read-only here: they change only through the survey services."""

    list_display = [
        "submitted_at",
        "unit",
        "service",
        "channel",
        "is_flagged",
        "is_excluded",
    ]
    list_filter = ["channel", "is_flagged", "is_excluded"]
    search_fields = ["unit__name", "service__name", "comment"]
    inlines = [FlagInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DailyRollup)
class DailyRollupAdmin(admin.ModelAdmin):
    list_display = ["day", "unit", "service", "channel", "responses"]
    list_filter = ["channel"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
