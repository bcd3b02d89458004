"""The audit log page for coordinators and national admins."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.scoping import has_role
from mutu.audit.forms import AuditFilterForm
from mutu.audit.selectors import READER_ROLES, audit_list_for_user


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_role(request.user, *READER_ROLES):
        raise Http404
    form = AuditFilterForm(request.GET)
    action = form.cleaned_data["tindakan"] if form.is_valid() else ""
    page = Paginator(audit_list_for_user(request.user, action=action), 50).get_page(
        request.GET.get("hal")
    )
    return render(
        request, "audit/log.html", {"page": page, "action": action, "form": form}
    )
