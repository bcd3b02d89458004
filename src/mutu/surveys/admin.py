"""Django admin for survey data: read-only, because responses and rollups change
only through :mod:`mutu.surveys.services`."""

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

    def has_delete_permission(self, request, obj=None):
        """Nobody deletes a response, not even a superuser (the bulk action goes too).

        A delete would skip ``rollup_subtract`` and leave the day's rollup counting
        a response that no longer exists, so every figure would drift from the
        responses. A response that must not count is excluded instead, through
        :func:`mutu.surveys.services.response_set_excluded` (audited, with a reason,
        reversible), which keeps response and rollup in step.
        """
        return False


@admin.register(DailyRollup)
class DailyRollupAdmin(admin.ModelAdmin):
    """Rollups are derived from responses; only the survey services write them."""

    list_display = ["day", "unit", "service", "channel", "responses"]
    list_filter = ["channel"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Deleting a rollup row would drop counted responses from every figure;
        rollups are rebuilt from responses by ``mutu surveys rebuild-rollups``."""
        return False
