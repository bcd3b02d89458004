"""The channels through which citizens' SKM responses arrive, one folder each.

- ``web``: the form behind a counter's QR code (``/s/<code>/``), no JavaScript;
- ``kiosk``: the offline tablet at a counter (``/kiosk/<code>/``);
- ``sms``: the survey as an SMS/WhatsApp conversation, handed over by
  :mod:`mutu.messaging` for the keyword "SKM";
- ``paper``: typed paper forms, imported from an XLSX file;
- ``api``: other systems, over REST (``/api/v1/responses``).

Every channel parses its own input and stores through the surveys core:
:func:`mutu.surveys.services.response_submit` for one response,
:func:`mutu.surveys.bulk.store.responses_store_bulk` for many. No channel holds
a rule of what may be stored (docs/architecture.md, "Life of a survey response").
"""
