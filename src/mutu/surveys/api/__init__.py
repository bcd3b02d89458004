"""REST endpoints through which other systems push SKM responses (DESIGN.md, "Other systems").

``POST /api/v1/responses`` stores one response; ``POST /api/v1/responses/bulk``
stores up to 1,000, all or none. Both are idempotent by ``client_id``: resending the
same content answers with the stored response, other content under a used
``client_id`` is a conflict (409). The serializers here only parse shapes; every
survey rule (answer values, service of the unit, profile codes, comment length,
idempotency) is :func:`mutu.surveys.services.response_submit`'s, the one write path
of every channel (STYLE.md §5–§6). docs/api.md is the integrator's guide.

Split by what each part does (STYLE.md §1): :mod:`mutu.surveys.api.serializers`
(request and response shapes), :mod:`mutu.surveys.api.items` (parsing and resolving
the items of a request), :mod:`mutu.surveys.api.submission` (who may write, the
limits, storing one item) and :mod:`mutu.surveys.api.views` (the two endpoints).
The names other code uses are re-exported here.
"""

from mutu.surveys.api.serializers import (
    INPUT_FIELDS,
    PROFILE_FIELDS,
    BulkItemResultSerializer,
    BulkResultSerializer,
    FlagSerializer,
    ProfileSerializer,
    SkmResponseInputSerializer,
    SkmResponseSerializer,
)
from mutu.surveys.api.submission import (
    BULK_MAX,
    CLOCK_SKEW_MINUTES,
    MAX_BACKDATE_DAYS,
    WRITER_ROLES,
    submitted_at_check,
)
from mutu.surveys.api.views import ResponseBulkView, ResponseCreateView

__all__ = [
    "BULK_MAX",
    "CLOCK_SKEW_MINUTES",
    "INPUT_FIELDS",
    "MAX_BACKDATE_DAYS",
    "PROFILE_FIELDS",
    "WRITER_ROLES",
    "BulkItemResultSerializer",
    "BulkResultSerializer",
    "FlagSerializer",
    "ProfileSerializer",
    "ResponseBulkView",
    "ResponseCreateView",
    "SkmResponseInputSerializer",
    "SkmResponseSerializer",
    "submitted_at_check",
]
