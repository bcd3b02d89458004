"""Django admin for users and role grants; every grant change goes through
:mod:`mutu.accounts.services`, audited with the admin user as the actor.

django-otp's own admin pages for devices are taken down: they edit devices outside
the services (no audit row) and show secrets. An admin removes a user's two-factor
devices with the user list's action instead; the user sets up a new app at the next
login.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.models import Role, RoleGrant, User
from mutu.accounts.scoping import has_role
from mutu.accounts.services import (
    grant_ensure,
    grant_revoke,
    grant_update,
    two_factor_remove,
)
from mutu.admin_writes import RefusalAsMessage, adopt

for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


def _manages_grants(request) -> bool:
    """The services' rule, asked up front so the admin offers only what it allows."""
    return has_role(request.user, Role.NATIONAL_ADMIN)


class RoleGrantInline(admin.TabularInline):
    """A user's grants on the user page; saved by :meth:`UserAdmin.save_formset`."""

    model = RoleGrant
    extra = 0
    raw_id_fields = ["region", "government", "unit"]
    readonly_fields = ["scope_path"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _manages_grants(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _manages_grants(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _manages_grants(request)


@admin.register(User)
class UserAdmin(RefusalAsMessage, DjangoUserAdmin):
    inlines = [RoleGrantInline]
    actions = ["remove_two_factor"]

    @admin.action(description=_("Hapus verifikasi dua langkah pengguna terpilih"))
    def remove_two_factor(self, request, queryset):
        """A lost phone and no recovery code left: one audited removal per user."""
        removed = sum(
            two_factor_remove(actor=request.user, user=user) for user in queryset
        )
        self.message_user(
            request,
            ngettext(
                "Verifikasi dua langkah %(count)d pengguna dihapus.",
                "Verifikasi dua langkah %(count)d pengguna dihapus.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )

    def save_formset(self, request, form, formset, change):
        """Revoke the grants marked for deletion, update the changed ones, ensure the
        new ones (in that order, so a grant removed and added again in one save
        ends as one grant)."""
        formset.save(commit=False)  # sorts the forms; writes nothing
        for grant in formset.deleted_objects:
            grant_revoke(actor=request.user, grant=grant)
        for grant, _fields in formset.changed_objects:
            saved = grant_update(
                actor=request.user,
                grant=grant,
                role=grant.role,
                target=grant.scope_object,
            )
            adopt(grant, saved)
        for grant in formset.new_objects:
            saved = grant_ensure(
                actor=request.user,
                user=form.instance,
                role=grant.role,
                target=grant.scope_object,
            )
            adopt(grant, saved)


@admin.register(RoleGrant)
class RoleGrantAdmin(RefusalAsMessage, admin.ModelAdmin):
    """Grants one by one. A grant keeps its user: to give the role to someone else,
    revoke it and add a new one."""

    list_display = ["user", "role", "scope_label", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "scope_path"]
    raw_id_fields = ["user", "region", "government", "unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "scope_path"] if obj else ["scope_path"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _manages_grants(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _manages_grants(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _manages_grants(request)

    def save_model(self, request, obj, form, change):
        if change:
            saved = grant_update(
                actor=request.user, grant=obj, role=obj.role, target=obj.scope_object
            )
        else:
            saved = grant_ensure(
                actor=request.user,
                user=obj.user,
                role=obj.role,
                target=obj.scope_object,
            )
        adopt(obj, saved)

    def delete_model(self, request, obj):
        grant_revoke(actor=request.user, grant=obj)

    def delete_queryset(self, request, queryset):
        """The bulk "delete selected" action: one audited revoke per grant."""
        for grant in queryset:
            grant_revoke(actor=request.user, grant=grant)
