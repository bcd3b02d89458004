"""The base class of Mutu's API views and the offline API documentation page."""

from typing import Any

from django.templatetags.static import static
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from mutu.api.errors import exception_handler
from mutu.api.parsers import MutuJSONParser


class MutuAPIView(APIView):
    """An API view that speaks JSON only and answers every refusal in one shape.

    Systems authenticate with ``Authorization: Token <key>``; a signed-in person's
    session also works (with its CSRF token), which is what the docs page uses.
    The exception handler and the parser (JSON under the body and nesting limits,
    :mod:`mutu.api.parsers`) are set here too, so neither depends on
    ``REST_FRAMEWORK``.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [MutuJSONParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self) -> Any:
        return exception_handler


def _sidecar(filepath: str) -> str:
    return static(f"drf_spectacular_sidecar/{filepath}")


class ApiDocsView(SpectacularSwaggerSplitView):
    """``/api/docs/``: Swagger UI served entirely from our own origin.

    The scripts and the stylesheet come from drf-spectacular-sidecar's static
    files whatever ``SPECTACULAR_SETTINGS`` says, so the page works offline; the
    start-up script is a separate same-origin file (``?script``) and the template
    has no inline style, so the site's strict CSP (``script-src 'self'``,
    ``style-src 'self'``) needs no exception.
    """

    url_name = "api-schema"
    template_name = "api/swagger_ui.html"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return _sidecar(f"swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return _sidecar("swagger-ui-dist/favicon-32x32.png")
