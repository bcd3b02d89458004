"""Rate limits for systems that call the API with a token.

Each authenticated caller (one user, usually one system account) gets its own
bucket per scope. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` at
request time; when a scope is missing there, the class default applies. Counters
live in Django's default cache: with several web processes, point ``CACHES`` at a
shared cache (Redis) or each process counts on its own.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class SystemRateThrottle(UserRateThrottle):
    """Per-caller limit for single submissions (scope ``system``, default 1200/minute).

    1,200 a minute (20 a second, sustained) is far above what one kiosk network or
    queue worker of a unit sends, and low enough that a runaway client cannot starve
    the others.
    """

    scope = "system"
    default_rate = "1200/minute"

    def get_rate(self) -> str:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope) or self.default_rate


class BulkRateThrottle(SystemRateThrottle):
    """Per-caller limit for bulk submissions (scope ``system_bulk``, default 60/minute).

    A bulk holds up to 1,000 responses, so 60 bulks a minute is up to 60,000
    responses a minute for one caller.
    """

    scope = "system_bulk"
    default_rate = "60/minute"
