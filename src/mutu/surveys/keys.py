"""Stored responses by ``client_id``, the idempotency key, on either database.

On PostgreSQL the response table is partitioned by month and has no index on
``client_id``; the key table (:class:`~mutu.surveys.models.ResponseKey`) gives a
response's id and day, so the look-up reads one partition's primary key. On
SQLite the response table's unique ``client_id`` answers directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connections, router
from django.db.models import QuerySet

from mutu.surveys.models import Response, ResponseKey


def responses_by_client_id(client_ids: Iterable[uuid.UUID]) -> QuerySet[Response]:
    """The stored responses whose ``client_id`` is one of *client_ids*."""
    ids = list(client_ids)
    alias = router.db_for_read(Response)
    if connections[alias].vendor != "postgresql":
        return Response.objects.using(alias).filter(client_id__in=ids)
    keys = list(
        ResponseKey.objects.using(alias)
        .filter(client_id__in=ids)
        .values_list("response_id", "day")
    )
    if not keys:
        return Response.objects.using(alias).none()
    return Response.objects.using(alias).filter(
        pk__in=[key[0] for key in keys], day__in={key[1] for key in keys}
    )


def response_by_client_id(client_id: uuid.UUID) -> Response | None:
    """The stored response of *client_id*, or ``None``."""
    return responses_by_client_id([client_id]).first()
