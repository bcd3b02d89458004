"""Settings of the submission benchmark (``bench/submit_http.py``): production + two knobs.

The runner sets ``DJANGO_SECRET_KEY`` (random per run), ``DJANGO_ALLOWED_HOSTS``,
``DATABASE_URL`` (a throw-away PostgreSQL database) and ``MUTU_SURVEY_MIN_SECONDS=0``
before anything imports this module; DEBUG stays off, as in production. Only what a
load test on plain HTTP cannot have is relaxed: the HTTPS redirect and secure cookies
(no TLS on 127.0.0.1), the static manifest (no ``collectstatic``), and the per-address
rate limit of public posts (every request comes from 127.0.0.1; the limiter still runs
and counts each post, it just never says no).
"""

import os

os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from mutu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MUTU_PUBLIC_POSTS_PER_MINUTE = 10**9

# Where the bare-insert view writes: the unit, service and service point that the
# runner created (their ids, passed through the environment to every worker).
MUTU_BENCH_UNIT_ID = int(os.environ.get("MUTU_BENCH_UNIT_ID", "0"))
MUTU_BENCH_SERVICE_ID = int(os.environ.get("MUTU_BENCH_SERVICE_ID", "0"))
MUTU_BENCH_POINT_ID = int(os.environ.get("MUTU_BENCH_POINT_ID", "0"))
