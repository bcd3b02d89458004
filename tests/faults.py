"""Database faults for tests: the connection refused, or lost in the middle.

Each raises what Django raises when the driver fails (``OperationalError`` /
``InterfaceError``), at the process boundary, so everything above it runs as in an
outage.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import OperationalError, connection


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[None]:
    """Every new query fails as the driver fails when PostgreSQL is unreachable."""
    refused = error('connection to server at "127.0.0.1", port 5432 failed')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


@contextmanager
def database_lost_on_write() -> Iterator[None]:
    """Reads work, then the connection drops at the first write (mid-request)."""

    def fail_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_writes):
        yield
