"""Background work of the surveys core (django-tasks; ``mutu db_worker`` runs it).

The paper channel's import task is in :mod:`mutu.surveys.channels.paper.tasks`."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from mutu.surveys.integrity import pending_check


@task()
def integrity_check_pending() -> int:
    """Run the integrity rules on every response still waiting for them.

    Returns how many were checked; running it twice checks nothing twice.
    """
    return pending_check()


_schedule_lock = threading.Lock()
_next_enqueue = 0.0


def integrity_check_soon() -> None:
    """Have :func:`integrity_check_pending` run shortly (called after a commit).

    One task serves every response of the next few seconds: a process enqueues one
    that runs ``MUTU_SURVEY_INTEGRITY_DELAY_SECONDS`` (default 5) from now and enqueues
    no other for half that time, so a response stored in that half commits before the
    task starts. A backend that cannot defer (the immediate one) runs the check at once.
    """
    global _next_enqueue
    backend = integrity_check_pending.get_backend()
    if not backend.supports_defer:
        integrity_check_pending.enqueue()
        return
    delay = settings.MUTU_SURVEY_INTEGRITY_DELAY_SECONDS
    with _schedule_lock:
        now = time.monotonic()
        if now < _next_enqueue:
            return
        _next_enqueue = now + delay / 2
    integrity_check_pending.using(
        run_after=timezone.now() + timedelta(seconds=delay)
    ).enqueue()
