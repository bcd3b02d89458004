"""What every Django admin whose writes go through services needs (STYLE.md §6).

A ``ModelAdmin`` overrides ``save_model``, ``save_formset``, ``delete_model`` and
``delete_queryset`` to call the app's services with ``request.user`` as the actor.
Two things are then the same for every app, so they live here: a refusal of a
service (:class:`~mutu.errors.MutuError`) is shown to the admin as an error message
instead of a server error, and an object the admin built is made to stand for the
row the service saved.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language

from mutu.errors import MutuError


class RefusalAsMessage:
    """Mixin for a ``ModelAdmin``: a ``MutuError`` raised while saving or deleting
    becomes an error message on the same page.

    The admin runs its add, change and delete views in a transaction; the error
    leaves it, so everything the request wrote is rolled back before the message is
    shown. The page is then loaded again (the input of a refused form is not kept):
    the admin's own form validation catches the usual mistakes before any service
    runs, so what reaches here is a rule only the service knows (permission, a
    name taken in another letter case, a service of another unit).
    """

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        try:
            return super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
        except MutuError as error:
            return self._refused(request, error)

    def delete_view(
        self, request: HttpRequest, object_id, extra_context=None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except MutuError as error:
            return self._refused(request, error)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """A bulk action runs in one transaction, so a refusal midway undoes it all
        (Django's own log rows of the action included)."""
        try:
            if request.method == "POST":
                with transaction.atomic():
                    return super().changelist_view(request, extra_context)  # type: ignore[misc]
            return super().changelist_view(request, extra_context)  # type: ignore[misc]
        except MutuError as error:
            return self._refused(request, error)

    def _refused(self, request: HttpRequest, error: MutuError) -> HttpResponse:
        messages.error(request, error.message_for(get_language()))
        return HttpResponseRedirect(request.get_full_path())


def adopt(instance: Model, saved: Model) -> None:
    """Make *instance* (built by an admin form, unsaved) stand for *saved*, the row a
    service created, so the admin's log entry, message and redirect name that row."""
    for field in saved._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))
    instance._state.adding = False
    instance._state.db = saved._state.db
