"""Paper-survey imports: upload an XLSX, check every row, store all of them or none.

The life of an import (issue 4, "Paper"):

1. :func:`import_job_create` (in the request) checks who uploads, the size and the
   content of the file, stores it and an :class:`ImportJob`, and enqueues
   :func:`mutu.surveys.tasks.import_job_process` once the transaction commits.
   The same file (same SHA-256) for the same unit that is waiting, running or done
   gives back that job instead of a second one.
2. :func:`import_job_run` (in the worker) reads the sheet with openpyxl in read-only
   mode and checks EVERY row (``mutu.surveys.paper.rows_check``). Any error refuses
   the whole file: the job keeps the list of errors and nothing is stored.
3. Otherwise every row is stored in ONE transaction by
   :func:`mutu.surveys.imports.store._store`, a bulk path that writes exactly what
   ``mutu.surveys.services.response_submit(channel="paper")`` would write row by row
   (same columns, ``content_hash``, ``day``, integrity flags and rollup counts;
   ``tests/surveys/test_paper.py`` holds the two side by side) without its
   half-dozen queries per row: one COPY on PostgreSQL, ``bulk_create`` elsewhere,
   rollups added once per day. Each row's ``client_id`` is a UUID5 of
   the unit, the file's SHA-256 and the Excel row number, so running a job again
   stores nothing twice.

Progress: ``processed_rows`` counts rows checked (step 2, written outside any
transaction); ``created_count`` counts rows stored (step 3). Step 3 runs inside one
big transaction, so its counter is written on a second database connection that
commits on its own: another connection (the job page) sees it move while the rows
themselves stay invisible until the end. SQLite has a single writer per database,
so there the stored counter jumps once, at commit.

Split by sub-domain (STYLE.md §1): :mod:`mutu.surveys.imports.jobs` (steps 1 and 2,
the job's life), :mod:`mutu.surveys.imports.store` (step 3) with
:mod:`mutu.surveys.imports.writers` (COPY and ``bulk_create``),
:mod:`mutu.surveys.imports.straight_lines` (the integrity flag) and
:mod:`mutu.surveys.imports.identity` (client id, time and fingerprint of a row);
:mod:`mutu.surveys.imports.reads` for the pages and
:mod:`mutu.surveys.imports.limits` for the settings. The names other code uses are
re-exported here (``from mutu.surveys.imports import import_job_run``), with the
few private helpers the tests and ``bench/import_paper.py`` reach as
``imports._noon``, ``imports._fingerprint`` and ``imports._SideCounter``.
"""

from mutu.surveys.imports.identity import (
    CLIENT_ID_NAMESPACE,
    _fingerprint,
    _noon,
    paper_client_id,
)
from mutu.surveys.imports.jobs import (
    OPEN_STATUSES,
    ImportJobCreated,
    import_job_create,
    import_job_run,
)
from mutu.surveys.imports.limits import import_max_mb, import_max_rows
from mutu.surveys.imports.reads import (
    active_service_names,
    import_job_get_for_unit,
    import_job_list_for_unit,
    service_keys,
    unit_get_for_editor,
)
from mutu.surveys.imports.store import _SideCounter
from mutu.surveys.imports.straight_lines import STRAIGHT_LINE_RULE

__all__ = [
    "CLIENT_ID_NAMESPACE",
    "OPEN_STATUSES",
    "STRAIGHT_LINE_RULE",
    "ImportJobCreated",
    "_SideCounter",
    "_fingerprint",
    "_noon",
    "active_service_names",
    "import_job_create",
    "import_job_get_for_unit",
    "import_job_list_for_unit",
    "import_job_run",
    "import_max_mb",
    "import_max_rows",
    "paper_client_id",
    "service_keys",
    "unit_get_for_editor",
]
