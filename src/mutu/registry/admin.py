"""Django admin for the registry; standard edits go through the services."""

from django.contrib import admin

from mutu.registry import services
from mutu.registry.models import (
    Government,
    Mpp,
    Region,
    Service,
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    raw_id_fields = ["parent"]


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]
    readonly_fields = ["path"]
    raw_id_fields = ["region"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["name", "is_active"]
    show_change_link = True


@admin.register(ServiceUnit)
class ServiceUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "government", "head_name"]
    list_filter = ["kind", "government__kind"]
    search_fields = ["name", "short_name", "head_name", "government__name"]
    readonly_fields = ["path"]
    raw_id_fields = ["government"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "unit__name"]
    raw_id_fields = ["unit"]


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    list_display = ["service", "completeness_label", "decree_number"]
    search_fields = ["service__name", "service__unit__name"]
    raw_id_fields = ["service"]

    @admin.display(description="Kelengkapan")
    def completeness_label(self, obj: ServiceStandard) -> str:
        done = obj.completeness
        return f"{done.filled}/{done.total}"

    def save_model(self, request, obj, form, change):
        if change:
            services.standard_update(
                actor=request.user,
                service=obj.service,
                data={field: form.cleaned_data[field] for field in form.changed_data},
            )
        else:
            super().save_model(request, obj, form, change)


@admin.register(Mpp)
class MppAdmin(admin.ModelAdmin):
    list_display = ["name", "government", "operator_unit"]
    search_fields = ["name"]
    raw_id_fields = ["government", "operator_unit"]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "mpp"]
    list_filter = ["mpp"]
    search_fields = ["name", "code", "unit__name"]
    raw_id_fields = ["unit", "mpp"]
    filter_horizontal = ["services"]
