"""Running Mutu in production: ``mutu serve`` (gunicorn + the task worker under one
supervisor), ``mutu backup`` and ``mutu restore``.

Not a business noun like the other apps: it holds what an operator does to a whole
installation (docs/operations.md), and depends on every app, never the reverse.
"""
