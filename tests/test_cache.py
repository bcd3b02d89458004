"""The cache shared by every process: with ``MUTU_CACHE_URL=redis://…`` a rate limit
counts the requests of all processes together; without it each process counts alone.

Two real ``mutu`` processes count hits of one address against the same limit at the
same moment. Skipped when no Redis answers on 127.0.0.1:6379; the test uses its own
database number and its own rate-limit scope, so it never meets another user's keys.
"""

import os
import subprocess
import sys
import time
import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379/13"
LIMIT = 20
HITS_EACH = 15

COUNT_HITS = """
import os, time
from django.test import RequestFactory
from mutu.ratelimit import rate_limited
request = RequestFactory().post("/s/x/", REMOTE_ADDR="203.0.113.9")
time.sleep(max(0.0, float(os.environ["START_AT"]) - time.time()))
refused = sum(
    rate_limited(request, os.environ["SCOPE"], per_minute=int(os.environ["LIMIT"]))
    for _ in range(int(os.environ["HITS"]))
)
print("refused", refused)
"""


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _start_time() -> float:
    """A moment a few seconds ahead (both processes have started by then) that keeps
    the counting well inside one fixed minute window of the limiter."""
    start = time.time() + 6
    if start % 60 > 50:
        start += 60 - start % 60 + 1
    return start


def _launch_two(cache_url: str, start_at: float, scope: str) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "MUTU_CACHE_URL": cache_url,
        "START_AT": repr(start_at),
        "SCOPE": scope,
        "LIMIT": str(LIMIT),
        "HITS": str(HITS_EACH),
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "mutu", "shell", "-c", COUNT_HITS],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]


def _refused(processes: list[subprocess.Popen]) -> list[int]:
    refused = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        refused.append(int(out.split()[-1]))
    return refused


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_rate_limit_is_counted_across_two_processes_with_redis():
    """30 hits from one address in two processes against a limit of 20: with Redis,
    10 are refused in total; with the per-process memory cache, none is."""
    # Given: two pairs of processes, each process counting 15 hits at one moment.
    scope = f"test-shared-{uuid.uuid4().hex}"
    start_at = _start_time()
    # When: one pair shares Redis, the other has only MUTU_CACHE_URL unset.
    with_redis = _launch_two(REDIS_URL, start_at, scope)
    alone = _launch_two("", start_at, scope)
    try:
        shared, separate = _refused(with_redis), _refused(alone)
    finally:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*{scope}*"):
            client.delete(key)
    # Then: with Redis the limit held for both together.
    assert sum(shared) == 2 * HITS_EACH - LIMIT
    # And: without it each process stayed under its own count.
    assert separate == [0, 0]


def test_cache_url_of_another_kind_stops_start_up():
    """A URL that is not Redis fails at start-up with a message, not at first use."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "MUTU_CACHE_URL": "memcached://127.0.0.1:11211",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import tests.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "MUTU_CACHE_URL must start with redis://" in result.stderr
