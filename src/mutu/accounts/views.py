"""Sign-in pages (password, then the two-factor code), the two-factor set-up and the
signed-in user's starting page."""

from datetime import timedelta
from urllib.parse import urlencode

from axes.helpers import get_credentials, get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.accounts import services, two_factor
from mutu.accounts.forms import (
    CodeForm,
    EnrolConfirmForm,
    LoginForm,
    WeeklyDigestForm,
)
from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.selectors import grant_list_for_user
from mutu.accounts.todos import todo_list_for_user
from mutu.audit.selectors import audit_readable
from mutu.dbrouting import replica_reads
from mutu.errors import MutuError
from mutu.messaging.selectors import units_with_failures
from mutu.registry.selectors import region_list_for_user, unit_list_for_user


class LoginView(auth_views.LoginView):
    """The password step. A user who owes a code (or must set up an app first) goes
    on to that step; django-axes counts failures of both steps together."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        step = two_factor.login_step(user)
        if step is None:
            two_factor.login_failures_reset(self.request, user)
            return response
        return HttpResponseRedirect(_step_url(step, response["Location"]))


def _step_url(step: str, next_url: str) -> str:
    name = (
        "accounts:two_factor_enrol"
        if step == two_factor.STEP_ENROL
        else "accounts:two_factor_verify"
    )
    return reverse(name) + "?" + urlencode({"next": next_url})


def _next_url(request: HttpRequest) -> str:
    """Where to go once the step is done: a local ``next``, else the dashboard."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request: HttpRequest) -> HttpResponse:
    """End the half-signed-in session and answer with django-axes' lockout page."""
    credentials = get_credentials(request.user.get_username())
    logout(request)
    return get_lockout_response(request, None, credentials)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second login step: a code from the app, or a recovery code (used once)."""
    next_url = _next_url(request)
    step = two_factor.login_step(request.user)
    if step == two_factor.STEP_ENROL:
        return redirect(_step_url(step, next_url))
    if step is None:
        return redirect(next_url)
    if two_factor.login_locked(request, request.user):
        return _locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = two_factor.code_check(user=request.user, code=form.cleaned_data["code"])
        if check.device is not None:
            two_factor.session_verify(request, check.device)
            if check.used_recovery_code:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "Anda masuk dengan kode pemulihan; tersisa %(count)d kode.",
                        "Anda masuk dengan kode pemulihan; tersisa %(count)d kode.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        if two_factor.login_failure_record(request, request.user):
            return _locked_out(request)
        message = _("Kode salah atau sudah dipakai.")
        if check.wait_seconds:
            message += " " + _("Tunggu %(seconds)d detik sebelum mencoba lagi.") % {
                "seconds": check.wait_seconds
            }
        form.add_error("code", message)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: start (a new secret, POST), scan the QR code or
    type the secret, confirm with the first code; the recovery codes are shown once."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.login_step(user) == two_factor.STEP_VERIFY:
        return redirect(_step_url(two_factor.STEP_VERIFY, next_url))
    if request.method == "POST" and "start" in request.POST:
        services.totp_enrol_start(actor=user, user=user)
        return redirect(
            reverse("accounts:two_factor_enrol") + "?" + urlencode({"next": next_url})
        )
    pending = two_factor.totp_pending_get(user)
    form = EnrolConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and pending is not None and form.is_valid():
        try:
            enrolment = services.totp_enrol_confirm(
                actor=user, user=user, code=form.cleaned_data["code"]
            )
        except MutuError as error:
            form.add_error(
                error.details.get("field"), error.message_for(get_language())
            )
        else:
            two_factor.session_verify(request, enrolment.device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": enrolment.recovery_codes, "next": next_url, "new": True},
            )
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "pending": pending,
            "qr": two_factor.qr_data_uri(pending) if pending else "",
            "secret": two_factor.secret_text(pending) if pending else "",
            "form": form,
            "next": next_url,
            "required": two_factor.two_factor_required(user),
            "enrolled": two_factor.is_enrolled(user),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_GET
def two_factor_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's two-step verification: on or off, recovery codes left, and the
    buttons to set up (again) or renew the codes."""
    device = two_factor.totp_device_get(request.user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "codes_left": two_factor.recovery_codes_left(request.user),
            "required": two_factor.two_factor_required(request.user),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    try:
        codes = services.recovery_codes_regenerate(
            actor=request.user, user=request.user
        )
    except MutuError as error:
        messages.error(request, error.message_for(get_language()))
        return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:two_factor"), "new": False},
    )


@login_required
@require_GET
@replica_reads
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a user lands after login: what needs them now (to-dos, D24), their
    roles, regions and units."""
    return render(
        request,
        "accounts/dashboard.html",
        {
            "grants": grant_list_for_user(request.user),
            "regions": region_list_for_user(request.user),
            "units": units_with_failures(
                unit_list_for_user(request.user),
                timezone.now() - timedelta(days=30),
            )[:200],
            "audit_readable": audit_readable(request.user),
            "todos": todo_list_for_user(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def weekly_digest_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's weekly e-mail of to-dos: on or off (D24)."""
    user = request.user
    form = WeeklyDigestForm(
        request.POST if request.method == "POST" else None,
        initial={"weekly_digest": user.weekly_digest},
    )
    if request.method == "POST" and form.is_valid():
        services.weekly_digest_set(
            actor=user, user=user, enabled=form.cleaned_data["weekly_digest"]
        )
        messages.success(
            request,
            _("Ringkasan mingguan diaktifkan.")
            if form.cleaned_data["weekly_digest"]
            else _("Ringkasan mingguan dimatikan."),
        )
        return redirect("accounts:digest")
    return render(
        request,
        "accounts/weekly_digest.html",
        {"form": form, "has_email": bool(user.email)},
        status=400 if form.errors else 200,
    )
