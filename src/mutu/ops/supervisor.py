"""One parent for the processes of ``mutu serve``: start them, forward signals, and
stop everything, non-zero, when one dies unexpectedly.

Why a parent at all: a production host runs two long-lived processes, the web server
(gunicorn, whose master already replaces a worker that dies) and the task worker
(``mutu db_worker``). Under one parent a process manager (systemd) watches a single
main process; when either child dies for good the parent exits non-zero and the
process manager restarts the whole, instead of a half-alive server that answers
pages while paper imports wait for ever.

What is restarted, and why nothing blindly:

- the web server never: its master dying means something is deeply wrong (the
  port, the code, memory), and a fresh start belongs to the process manager, which
  also rate-limits restarts;
- the task worker only within a budget (``RestartBudget``: by default 5 restarts in
  10 minutes, each after a pause). django-tasks-db's worker exits on the first
  database error, so a PostgreSQL restart would otherwise take the web server down
  with it; a worker that keeps failing exhausts the budget and stops everything.

No Django here: this module only knows processes and signals.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1


@dataclass
class RestartBudget:
    """At most *limit* restarts in any *window_seconds*, each after *delay_seconds*."""

    limit: int = 5
    window_seconds: float = 600.0
    delay_seconds: float = 3.0
    _times: deque[float] = field(default_factory=deque)

    def allow(self, now: float) -> bool:
        """Whether one more restart fits in the window (and count it if so)."""
        while self._times and now - self._times[0] > self.window_seconds:
            self._times.popleft()
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True


@dataclass
class Child:
    """A process of the supervisor: its name in messages, its command line, and its
    restart budget (``None``: never restarted)."""

    name: str
    argv: Sequence[str]
    budget: RestartBudget | None = None
    forward_hup: bool = False
    process: subprocess.Popen[bytes] | None = None
    restart_at: float | None = None


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the parent dies, so
    a ``kill -9`` of ``mutu serve`` does not leave gunicorn holding the port."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class Supervisor:
    """Run *children* until a stop signal (exit 0) or an unexpected death (exit 1).

    SIGTERM and SIGINT stop every child gracefully (SIGTERM, then SIGKILL after
    *stop_timeout* seconds); SIGHUP is forwarded to the children that reload on it
    (gunicorn: new workers with fresh code, no dropped request).
    """

    def __init__(
        self,
        children: Sequence[Child],
        *,
        stop_timeout: float = 30.0,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = list(children)
        self.stop_timeout = stop_timeout
        self.out = out or sys.stderr
        self.clock = clock
        self.stop_signal: int | None = None

    def say(self, message: str) -> None:
        self.out.write(f"mutu serve: {message}\n")
        self.out.flush()

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            list(child.argv), preexec_fn=_die_with_parent
        )
        child.restart_at = None
        self.say(f"{child.name} berjalan / running (pid {child.process.pid})")

    def _on_stop(self, signum: int, _frame: object) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum

    def _on_hup(self, _signum: int, _frame: object) -> None:
        for child in self.children:
            if child.forward_hup and child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGHUP)

    def run(self) -> int:
        """Start every child, watch them, and return the exit status."""
        previous = {
            signum: signal.signal(signum, handler)
            for signum, handler in (
                (signal.SIGTERM, self._on_stop),
                (signal.SIGINT, self._on_stop),
                (signal.SIGHUP, self._on_hup),
            )
        }
        try:
            for child in self.children:
                self._start(child)
            status = self._watch()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return status

    def _watch(self) -> int:
        while self.stop_signal is None:
            now = self.clock()
            for child in self.children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        self._start(child)
                    continue
                code = child.process.poll() if child.process else None
                if code is None:
                    continue
                if child.budget is not None and child.budget.allow(now):
                    child.restart_at = now + child.budget.delay_seconds
                    self.say(
                        f"{child.name} berhenti (kode {code}); dimulai lagi dalam "
                        f"{child.budget.delay_seconds:g} detik / {child.name} exited "
                        f"(code {code}); restarting in "
                        f"{child.budget.delay_seconds:g} s"
                    )
                    continue
                self.say(
                    f"{child.name} berhenti tak terduga (kode {code}); semua proses "
                    f"dihentikan / {child.name} died unexpectedly (code {code}); "
                    f"stopping everything"
                )
                return 1
            time.sleep(POLL_SECONDS)
        self.say(
            f"sinyal {signal.Signals(self.stop_signal).name} diterima, berhenti / "
            f"received {signal.Signals(self.stop_signal).name}, stopping"
        )
        return 0

    def _stop_all(self) -> None:
        """SIGTERM every live child, wait up to ``stop_timeout``, SIGKILL the rest."""
        live = [
            child.process
            for child in self.children
            if child.process is not None and child.process.poll() is None
        ]
        for process in live:
            process.send_signal(signal.SIGTERM)
        deadline = self.clock() + self.stop_timeout
        for process in live:
            try:
                process.wait(timeout=max(0.0, deadline - self.clock()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
