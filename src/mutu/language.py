"""Indonesian first: the browser's Accept-Language does not switch the language.

Officials in a regency often run browsers set to English; Mutu still speaks
Indonesian to them until they choose English themselves (the language form in the
footer sets Django's language cookie, which ``LocaleMiddleware`` honours).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class IndonesianFirstMiddleware:
    """Hide ``Accept-Language`` from ``LocaleMiddleware``; the cookie still counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
