"""URLconf of the submission benchmark: all of Mutu plus one bare view.

``POST /bench/bare-insert/`` is the floor the real survey submission is measured
against: the same server, the same middleware (CSRF included: the load generator sends
the same cookie and token to both), the same table and the same column values, but one
raw ``INSERT`` in autocommit and nothing else: no validation, no duplicate or integrity
check, no rollup, no hash.
"""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from mutu.surveys.models import ELEMENT_FIELDS, Response

BARE_MARK = "0" * 64
"""``content_hash`` of every bare-inserted row, so the runner can count and remove them."""

_insert: tuple[str, list[str], dict[str, Any]] | None = None


def _statement() -> tuple[str, list[str], dict[str, Any]]:
    """``INSERT INTO surveys_response (every column) VALUES (...)``, built once.

    Returns the SQL, its column order and a default for every column. Columns the
    bare view does not fill from the form get their model default, so a column added
    to ``Response`` later does not break the benchmark.
    """
    global _insert
    if _insert is None:
        fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
        names = [str(f.column) for f in fields]
        defaults: dict[str, Any] = {
            name: f.get_db_prep_save(f.get_default(), connection)
            for name, f in zip(names, fields, strict=True)
        }
        columns = ", ".join(connection.ops.quote_name(name) for name in names)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(Response._meta.db_table)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        _insert = (sql, names, defaults)
    return _insert


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value else None


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    """One raw INSERT of a response row with the values the survey form would store."""
    sql, order, defaults = _statement()
    post = request.POST
    now = timezone.now()
    values: dict[str, Any] = {
        **defaults,
        "unit_id": getattr(settings, "MUTU_BENCH_UNIT_ID", 0),
        "service_id": getattr(settings, "MUTU_BENCH_SERVICE_ID", 0),
        "point_id": getattr(settings, "MUTU_BENCH_POINT_ID", 0),
        "channel": "qr",
        "submitted_at": now,
        "day": timezone.localdate(now),
        "sex": post.get("sex", ""),
        "age": _int_or_none(post.get("age")),
        "education": post.get("education", ""),
        "occupation": post.get("occupation", ""),
        "comment": post.get("comment", ""),
        "extra_answers": "{}",
        "client_id": post["client_id"],
        "content_hash": BARE_MARK,
        "device_hash": BARE_MARK,
        "is_flagged": False,
        "is_excluded": False,
        **{field: _int_or_none(post.get(field.upper())) for field in ELEMENT_FIELDS},
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[column] for column in order])
    return HttpResponse(b"ok\n", status=201, content_type="text/plain")


urlpatterns = [
    path("bench/bare-insert/", bare_insert, name="bench_bare_insert"),
    path("", include("mutu.urls")),
]
