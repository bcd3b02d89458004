"""``GET /api/v1/data/<dataset>``: the open datasets as JSON, read-only and public
(the same document as ``/data/<dataset>.json``, see :mod:`mutu.reports.open_data`)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from mutu.api.errors import ApiError, ErrorEnvelopeSerializer
from mutu.api.views import MutuAPIView
from mutu.reports.open_data import DATASETS, json_document


class OpenDataView(MutuAPIView):
    """One open dataset: only published figures, never a response or a person."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data",
        summary="Data terbuka: satu set data yang dipublikasikan",
        parameters=[
            OpenApiParameter(
                "dataset",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=sorted(DATASETS),
                description="Nama set data (tetap): skm, evaluasi, pengaduan.",
            )
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="dataset, title, licence {name, url}, columns "
                "[{name, type, meaning}], rows [{column: value}]",
            ),
            404: ErrorEnvelopeSerializer,
        },
        tags=["data terbuka"],
    )
    def get(self, request: Request, dataset: str) -> ApiResponse:
        found = DATASETS.get(dataset)
        if found is None:
            raise ApiError(
                404,
                f"Set data {dataset!r} tidak ada.",
                f"There is no dataset {dataset!r}.",
            )
        return ApiResponse(json_document(found))
