"""Django admin for the registry. Units, services, service points and MPPs are added
and changed, and standards changed, through :mod:`mutu.registry.services` with the
admin user as the actor, so the admin obeys the same rules and leaves the same audit
rows as the pages. Deletes go through the delete services too (refused once anything
was recorded against the row). Regions and governments are loaded data (``mutu
registry load-regions``) and standards belong to their service: none is deleted here."""

from typing import Any

from django.contrib import admin
from django.db import models

from mutu.admin_writes import RefusalAsMessage, adopt
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


def _changed(form) -> dict[str, Any]:
    """Only what the admin changed, so a concurrent edit of another field survives."""
    return {field: form.cleaned_data[field] for field in form.changed_data}


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != key}


class DeleteThroughService:
    """Mixin for a ``ModelAdmin``: deletes, one or a bulk action, call ``delete_service``
    (, a registry delete service taking ``actor`` and the object by ``keyword``)."""

    delete_service: Any
    keyword: str

    def delete_model(self, request, obj):
        type(self).delete_service(actor=request.user, **{self.keyword: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class NotDeletable:
    """Mixin for a ``ModelAdmin`` of rows that are loaded or owned, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(NotDeletable, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    raw_id_fields = ["parent"]


@admin.register(Government)
class GovernmentAdmin(NotDeletable, admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]
    readonly_fields = ["path"]
    raw_id_fields = ["region"]


class ServiceInline(admin.TabularInline):
    """A unit's services on the unit page; saved by
    :meth:`ServiceUnitAdmin.save_formset`."""

    model = Service
    extra = 0
    fields = ["name", "is_active"]
    show_change_link = True


@admin.register(ServiceUnit)
class ServiceUnitAdmin(DeleteThroughService, RefusalAsMessage, admin.ModelAdmin):
    delete_service = services.unit_delete
    keyword = "unit"
    list_display = ["name", "kind", "government", "head_name"]
    list_filter = ["kind", "government__kind"]
    search_fields = ["name", "short_name", "head_name", "government__name"]
    readonly_fields = ["path"]
    raw_id_fields = ["government"]
    inlines = [ServiceInline]
    # A website typed without a scheme is taken as https (Django 6's default; the
    # old default, http, also warns on every form build).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.unit_update(
                actor=request.user, unit=obj, data=_changed(form)
            )
        else:
            saved = services.unit_create(
                actor=request.user,
                government=form.cleaned_data["government"],
                data=_without(form.cleaned_data, "government"),
            )
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        """The inline's new services through ``service_create``, changed ones through
        ``service_update``, and one ticked for deletion through ``service_delete``
        (refused for a service that was rated: switch it off instead)."""
        formset.save(commit=False)  # sorts the forms; writes nothing
        for service in formset.deleted_objects:
            services.service_delete(actor=request.user, service=service)
        for service, fields in formset.changed_objects:
            saved = services.service_update(
                actor=request.user,
                service=service,
                data={field: getattr(service, field) for field in fields},
            )
            adopt(service, saved)
        for service in formset.new_objects:
            saved = services.service_create(
                actor=request.user,
                unit=form.instance,
                data={
                    field: getattr(service, field) for field in services.SERVICE_FIELDS
                },
            )
            adopt(service, saved)


@admin.register(Service)
class ServiceAdmin(DeleteThroughService, RefusalAsMessage, admin.ModelAdmin):
    """A service stays with its unit: its responses and rollups are the unit's."""

    delete_service = services.service_delete
    keyword = "service"

    list_display = ["name", "unit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "unit__name"]
    raw_id_fields = ["unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.service_update(
                actor=request.user, service=obj, data=_changed(form)
            )
        else:
            saved = services.service_create(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                data=_without(form.cleaned_data, "unit"),
            )
        adopt(obj, saved)


@admin.register(ServiceStandard)
class ServiceStandardAdmin(NotDeletable, RefusalAsMessage, admin.ModelAdmin):
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
class MppAdmin(DeleteThroughService, RefusalAsMessage, admin.ModelAdmin):
    delete_service = services.mpp_delete
    keyword = "mpp"

    list_display = ["name", "government", "operator_unit"]
    search_fields = ["name"]
    raw_id_fields = ["government", "operator_unit"]

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.mpp_update(
                actor=request.user, mpp=obj, data=_changed(form)
            )
        else:
            saved = services.mpp_create(
                actor=request.user,
                government=form.cleaned_data["government"],
                data=_without(form.cleaned_data, "government"),
            )
        adopt(obj, saved)


@admin.register(ServicePoint)
class ServicePointAdmin(DeleteThroughService, RefusalAsMessage, admin.ModelAdmin):
    """A point stays with its unit (its posters and responses belong there)."""

    delete_service = services.service_point_delete
    keyword = "point"

    list_display = ["name", "code", "unit", "mpp"]
    list_filter = ["mpp"]
    search_fields = ["name", "code", "unit__name"]
    raw_id_fields = ["unit", "mpp"]
    filter_horizontal = ["services"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.service_point_update(
                actor=request.user, point=obj, data=_changed(form)
            )
        else:
            saved = services.service_point_create(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                data=_without(form.cleaned_data, "unit"),
            )
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        """The point's services were set by the service in :meth:`save_model`."""
