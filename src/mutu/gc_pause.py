"""``@no_collector_pauses``: a view that builds a national table runs with Python's
cyclic garbage collector paused.

A national dashboard builds some hundred thousand short-lived objects (rows of
sums, 2,000 league rows, the page). With the collector running, those still alive
at a young collection are promoted to the oldest generation; every dozen
requests that triggers a full collection of all the process's long-lived objects
(Django's, and the figures the dashboards memoise): a 130 ms pause that made the
national page's p95 twice its median (bench/dashboards.py, docs/scaling.md).
Paused, the request's objects die by reference counting as usual and nothing is
promoted; any cycles it made are collected by the next collection after it.

Process-wide, so safe with threads in this sense: the collector is re-enabled by
the request that paused it when it finds it running; a request that finds it
already paused leaves it to that one.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def no_collector_pauses(view: Callable[P, R]) -> Callable[P, R]:
    """Run *view* with the cyclic garbage collector paused (see the module)."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        running = gc.isenabled()
        gc.disable()
        try:
            return view(*args, **kwargs)
        finally:
            if running:
                gc.enable()

    return wrapper
