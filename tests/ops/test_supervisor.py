"""The parent of ``mutu serve``: signals reach the children, a dead child stops
everything with a non-zero exit, the task worker is restarted only within its
budget, and killing the parent outright leaves no orphan holding the port."""

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from mutu.ops.supervisor import Child, RestartBudget, Supervisor


def _sleeper(path: Path) -> list[str]:
    """A child that writes its pid, then on SIGTERM writes "term" and exits 0."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys, time
        from pathlib import Path
        path = Path({str(path)!r})
        def stop(*_):
            path.write_text("term")
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        path.write_text(str(os.getpid()))
        time.sleep(120)
        """
    )
    return [sys.executable, "-c", script]


def _dies(code: int, after: float = 0.3) -> list[str]:
    return [
        sys.executable,
        "-c",
        f"import time, sys; time.sleep({after}); sys.exit({code})",
    ]


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_stop_signal_reaches_every_child_and_exits_zero(tmp_path):
    """SIGTERM to the parent: each child gets SIGTERM, the parent returns 0."""
    # Given: two children that record SIGTERM.
    web, worker = tmp_path / "web", tmp_path / "worker"
    supervisor = Supervisor(
        [Child("web", _sleeper(web)), Child("worker", _sleeper(worker))],
        stop_timeout=10,
        out=io.StringIO(),
    )

    # When: both run and the parent is asked to stop.
    def stop_when_started() -> None:
        _wait_for(lambda: web.exists() and worker.exists())
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=stop_when_started, daemon=True).start()
    status = supervisor.run()

    # Then: both children stopped on SIGTERM and the exit is clean.
    assert status == 0
    assert web.read_text() == "term"
    assert worker.read_text() == "term"


def test_the_web_server_dying_stops_the_worker_and_exits_non_zero(tmp_path):
    """The web child exits by itself: the worker is stopped, the parent returns 1."""
    worker = tmp_path / "worker"
    out = io.StringIO()
    status = Supervisor(
        [Child("web", _dies(3, after=1.0)), Child("worker", _sleeper(worker))],
        stop_timeout=10,
        out=out,
    ).run()
    assert status == 1
    assert worker.read_text() == "term"
    assert "web died unexpectedly (code 3)" in out.getvalue()


def test_the_worker_is_restarted_within_its_budget_then_everything_stops(tmp_path):
    """A worker that keeps dying is restarted twice (its budget), then the parent
    stops the web server and returns 1: nothing restarts for ever."""
    web = tmp_path / "web"
    out = io.StringIO()
    status = Supervisor(
        [
            Child("web", _sleeper(web)),
            Child(
                "worker",
                _dies(1, after=0.1),
                budget=RestartBudget(limit=2, window_seconds=60, delay_seconds=0.1),
            ),
        ],
        stop_timeout=10,
        out=out,
    ).run()
    assert status == 1
    assert web.read_text() == "term"
    assert out.getvalue().count("worker exited (code 1); restarting") == 2
    assert "worker died unexpectedly (code 1)" in out.getvalue()


def test_budget_forgets_restarts_older_than_its_window():
    """Restarts age out of the window, so a worker failing once a day runs on."""
    budget = RestartBudget(limit=2, window_seconds=10)
    assert budget.allow(0)
    assert budget.allow(1)
    assert not budget.allow(5)
    assert budget.allow(11.5)


def test_killing_the_parent_outright_leaves_no_child_behind(tmp_path):
    """``kill -9`` of the parent: Linux sends its children SIGTERM (PDEATHSIG), so a
    restarted server does not find the old gunicorn still holding the port."""
    web = tmp_path / "web"
    script = textwrap.dedent(
        f"""
        import io, sys
        from mutu.ops.supervisor import Child, Supervisor
        argv = {_sleeper(web)!r}
        sys.exit(Supervisor([Child("web", argv)], out=io.StringIO()).run())
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        _wait_for(lambda: web.exists() and web.read_text().isdigit())
        parent.kill()
        parent.wait(timeout=10)
        _wait_for(lambda: web.read_text() == "term")
    finally:
        if parent.poll() is None:
            parent.kill()
