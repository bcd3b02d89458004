"""Settings of the real server the reliability tests start: production, minus static.

``mutu serve`` refuses to start without collected static files, and collecting them
(compressed, hashed) costs a minute of CPU that these tests do not spend on pages.
Everything else is production: DEBUG off, the runner's own secret key and allowed
hosts from the environment, the database backend for tasks.
"""

from mutu.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
