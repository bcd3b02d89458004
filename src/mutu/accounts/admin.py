from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from mutu.accounts.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    raw_id_fields = ["region", "government", "unit"]
    readonly_fields = ["scope_path"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline]

    def save_formset(self, request, form, formset, change):
        for grant in formset.deleted_objects:
            grant.delete()
        for grant in formset.save(commit=False):
            grant.scope_path = grant.build_scope_path()
            grant.save()
        formset.save_m2m()


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope_label", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "scope_path"]
    raw_id_fields = ["user", "region", "government", "unit"]
    readonly_fields = ["scope_path"]

    def save_model(self, request, obj, form, change):
        obj.scope_path = obj.build_scope_path()
        super().save_model(request, obj, form, change)
