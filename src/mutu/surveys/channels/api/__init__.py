"""The API channel: other systems push SKM responses over REST (DESIGN.md, "Other systems").

``POST /api/v1/responses`` stores one response; ``POST /api/v1/responses/bulk``
stores up to ``MUTU_API_BULK_MAX`` (1,000), all or none. Both are idempotent by
``client_id``. The serializers only parse shapes; every survey rule is the surveys
core's, applied by :func:`mutu.surveys.services.response_submit`. ``mutu.api.urls``
mounts the views under ``/api/v1/``; docs/api.md is the integrator's guide.

- :mod:`~mutu.surveys.channels.api.serializers`: request and response shapes;
- :mod:`~mutu.surveys.channels.api.items`: parsing and resolving the items of a
  request (the kiosk parses its items with the same functions);
- :mod:`~mutu.surveys.channels.api.submission`: who may write, storing one item;
- :mod:`~mutu.surveys.channels.api.views`: the two endpoints.
"""
