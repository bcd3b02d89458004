"""Streaming CSV exports of SKM responses (issue 14, item 6).

A unit's, a region's or the nation's responses leave as CSV in bounded memory, however
many there are: on PostgreSQL the rows come from ``COPY (SELECT …) TO STDOUT`` through
psycopg 3's ``cursor.copy`` and are passed on in chunks of :data:`CHUNK_BYTES` as they
arrive, never gathered; on SQLite (development) from a server-side iterator of the same
query, written with :mod:`csv`. Rows leave in the order the database reads them (no
``ORDER BY``: a sort of millions of rows would hold back the first byte).

Cells that a spreadsheet would read as a formula (OWASP "CSV injection"; the rule of
:func:`mutu.reports.spreadsheets.cell_text`: a text starting with ``=``, ``+``, ``-``,
``@`` or their full-width forms after any spaces, or with a tab, CR or LF) get a
leading ``'`` inside the query itself (:func:`neutralised`), so the database does the
work in the same pass as the read and no row is ever parsed in Python on PostgreSQL. Only free
text is concerned (comments, unit and service names): every other column is a
number, a date or a code Mutu itself wrote.

What a person may export is what the pages show them (:mod:`mutu.accounts.scoping`):
the views pass a queryset that the selectors have already narrowed.

No name, phone number, address, client id or fingerprint leaves: a response holds no
name, phone or address, and the ids and hashes of idempotency and integrity stay in.
"""

import csv
import io
from collections.abc import Iterator

from django.db import connections, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Left, LTrim
from django.db.models.lookups import In

from mutu.reports import spreadsheets
from mutu.reports.spreadsheets import cell_text
from mutu.surveys.models import ELEMENT_FIELDS, Response

CHUNK_BYTES = 64 * 1024
"""Bytes gathered before a chunk goes to the client: large enough for few writes,
small enough that memory stays flat."""

BOM = "\ufeff"
"""UTF-8 byte-order mark: Excel reads the file as UTF-8 only with it."""


def neutralised(field: str) -> Case:
    """The text column *field*, with a ``'`` before a value that starts like a formula.

    The rule of :func:`mutu.reports.spreadsheets.cell_text` (the one every export
    follows), built as an SQL expression so that the database applies it while it
    reads the row: a first character in ``CONTROL_STARTS`` (tab, CR, LF), or a first
    character after leading spaces in ``FORMULA_STARTS`` (``= + - @`` and their
    full-width forms). On PostgreSQL ``CASE WHEN LEFT(x, 1) IN (…) OR
    LEFT(LTRIM(x), 1) IN (…) THEN '''' || x ELSE x END``.
    """
    return Case(
        When(
            In(Left(F(field), 1), list(spreadsheets.CONTROL_STARTS))
            | In(Left(LTrim(F(field)), 1), list(spreadsheets.FORMULA_STARTS)),
            then=Concat(Value("'"), F(field), output_field=TextField()),
        ),
        default=F(field),
        output_field=TextField(),
    )


COLUMNS: tuple[tuple[str, object], ...] = (
    ("id", F("pk")),
    ("unit_id", F("unit_id")),
    ("unit", neutralised("unit__name")),
    ("service_id", F("service_id")),
    ("service", neutralised("service__name")),
    ("channel", F("channel")),
    ("submitted_at", F("submitted_at")),
    ("day", F("day")),
    *((field.upper(), F(field)) for field in ELEMENT_FIELDS),
    ("sex", F("sex")),
    ("age", F("age")),
    ("education", F("education")),
    ("occupation", F("occupation")),
    ("comment", neutralised("comment")),
    ("flagged", Cast("is_flagged", IntegerField())),
    ("excluded", Cast("is_excluded", IntegerField())),
)
"""The export's columns: header name and the expression that fills it. ``U1`` … ``U9``
as ``mutu measure skm`` reads them; ``flagged``/``excluded`` as 1/0."""

HEADER = ",".join(name for name, _ in COLUMNS) + "\n"


def export_queryset(responses: QuerySet[Response]) -> QuerySet:
    """The rows of the export: *responses* (already scoped) as :data:`COLUMNS`."""
    names = [f"x_{name.lower()}" for name, _ in COLUMNS]
    annotated = responses.order_by().annotate(
        **{
            name: expression
            for name, (_, expression) in zip(names, COLUMNS, strict=True)
        }  # type: ignore[misc]
    )
    return annotated.values_list(*names)


def csv_chunks(responses: QuerySet[Response], *, using: str) -> Iterator[bytes]:
    """The export of *responses* as CSV bytes, header first, from database *using*.

    Yields the header at once, then chunks of about :data:`CHUNK_BYTES`; holds no
    more than one chunk (PostgreSQL) or one chunk plus one fetch of rows (SQLite).
    """
    yield (BOM + HEADER).encode()
    rows = export_queryset(responses).using(using)
    if connections[using].vendor == "postgresql":
        yield from _copy_chunks(rows, using=using)
    else:
        yield from _iterator_chunks(rows)


def _copy_chunks(rows: QuerySet, *, using: str) -> Iterator[bytes]:
    """``COPY (query) TO STDOUT`` of *rows*, passed on in chunks as it arrives."""
    connection = connections[using]
    sql, params = rows.query.get_compiler(using=using).as_sql()
    # the parameters bound into the text by psycopg (COPY takes no parameters)
    statement = connection.ops.compose_sql(  # type: ignore[attr-defined]
        f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params
    )
    buffer = bytearray()
    # In a transaction of its own (a savepoint inside one): a client that leaves
    # mid-file makes psycopg cancel the COPY, which would abort a surrounding
    # transaction; the rollback of this one leaves the connection clean.
    with (
        transaction.atomic(using=using),
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for data in copy:
            buffer += data
            if len(buffer) >= CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def _iterator_chunks(rows: QuerySet) -> Iterator[bytes]:
    """The SQLite fallback: a server-side iterator written with :mod:`csv`."""
    text = io.StringIO()
    # CRLF line ends: Python's csv quotes a field holding a character of the line
    # terminator, so a comment with a lone CR stays one field (PostgreSQL's COPY
    # quotes CR and LF whatever its line end)
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows.iterator(chunk_size=2000):
        # the query has neutralised the text already; cell_text leaves an
        # apostrophe-led value as it is (a guard, as every CSV writer of Mutu has)
        writer.writerow([cell_text(value) for value in row])
        if text.tell() >= CHUNK_BYTES:
            yield text.getvalue().encode()
            text.seek(0)
            text.truncate()
    if text.tell():
        yield text.getvalue().encode()
