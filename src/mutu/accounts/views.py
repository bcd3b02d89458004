"""Sign-in pages and the signed-in user's starting page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mutu.accounts.forms import LoginForm
from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.selectors import grant_list_for_user
from mutu.registry.selectors import region_list_for_user, unit_list_for_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a user lands after login: their roles, regions and units."""
    return render(
        request,
        "accounts/dashboard.html",
        {
            "grants": grant_list_for_user(request.user),
            "regions": region_list_for_user(request.user),
            "units": unit_list_for_user(request.user)[:200],
        },
    )
