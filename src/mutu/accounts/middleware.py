"""Hold a half-signed-in session at the two-factor step.

After the password, a user who is enrolled in two-factor login, or who must be
(:func:`mutu.accounts.two_factor.login_step`), reaches only the page of that step,
logout and the language switch until the step is done. Every other page, the Django
admin included, sends them there (the API answers 403 in its JSON error shape).
Runs after ``OTPMiddleware``, which tells whether this session gave a code.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from mutu.accounts.two_factor import STEP_ENROL, login_step


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = login_step(request.user)
        if step is None:
            return self.get_response(request)
        step_url = reverse(
            "accounts:two_factor_enrol"
            if step == STEP_ENROL
            else "accounts:two_factor_verify"
        )
        open_paths = {step_url, reverse("accounts:logout"), reverse("set_language")}
        if request.path in open_paths:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "message_id": "Selesaikan verifikasi dua langkah dulu.",
                        "message_en": "Finish two-step verification first.",
                        "details": {},
                    }
                },
                status=403,
            )
        if request.method in ("GET", "HEAD"):
            step_url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(step_url)
