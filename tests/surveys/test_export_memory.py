"""An export's memory stays flat as its rows grow (issue 14 item 6; PostgreSQL).

Measured in a child process that streams the unit's CSV export through the real view
(Django's test client, the unit operator signed in) and reads its own peak resident
set size (``VmHWM`` of ``/proc/self/status``, the kernel's high-water mark of the
process's memory since its exec): once over 10,000 rows, once over 200,000 (20 × as many, about 30 MB
of CSV). Both peaks must lie within a few MB of each other; an export that gathered
its rows would be tens of MB heavier on the larger run.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent.parent
SMALL, LARGE = 10_000, 200_000
FLAT_MB = 5

CHILD = r"""
import json, sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
from mutu.accounts.models import User
client = Client()
client.force_login(User.objects.get(username="operator"))
unit_id = int(sys.argv[1])
def rss_mb():
    # VmHWM: this process's own peak (getrusage's ru_maxrss would carry the
    # parent's peak at fork time across the exec)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
before = rss_mb()
response = client.get(reverse("surveys:export_unit", kwargs={"unit_id": unit_id}))
size = lines = 0
for chunk in response.streaming_content:
    size += len(chunk)
    lines += chunk.count(b"\n")
response.close()
print("RESULT " + json.dumps(
    {"before_mb": before, "peak_mb": rss_mb(), "bytes": size, "lines": lines}))
"""

INSERT = """
INSERT INTO surveys_response (
    unit_id, service_id, channel, submitted_at, day,
    u1, u2, u3, u4, u5, u6, u7, u8, u9,
    sex, age, education, occupation, comment, extra_answers,
    client_id, content_hash, device_hash, is_flagged, is_excluded, integrity_pending
)
SELECT %s, %s, 'web', now(), current_date,
       1 + g %% 4, 3, 3, 4, 2, 3, 4, 3, 3,
       'P', 20 + g %% 50, 'SMA', 'SWASTA',
       'Pelayanan cukup cepat, petugas ramah nomor ' || g, '{}',
       gen_random_uuid(), md5(g::text) || md5(g::text), '', false, false, false
FROM generate_series(1, %s) AS g
"""


def _fill(unit, service, rows: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_response")
        cursor.execute(INSERT, [unit.pk, service.pk, rows])


def _export(unit_id: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
        ),
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}",
    }
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(unit_id)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    line = next(x for x in child.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.django_db(transaction=True)
def test_export_memory_stays_flat_as_rows_grow(world, capsys):
    """Streaming 200,000 rows peaks within 5 MB of streaming 10,000."""
    if connection.vendor != "postgresql":
        pytest.skip("the export's memory is measured once, on PostgreSQL")
    unit, service = world.dukcapil, world.ktp
    _fill(unit, service, SMALL)
    small = _export(unit.pk)
    _fill(unit, service, LARGE)
    large = _export(unit.pk)
    with capsys.disabled():
        sys.stdout.write(
            f"\nexport memory: {SMALL:,} rows ({small['bytes'] / 1e6:.1f} MB of CSV) "
            f"peak RSS {small['peak_mb']:.1f} MB; {LARGE:,} rows "
            f"({large['bytes'] / 1e6:.1f} MB) peak RSS {large['peak_mb']:.1f} MB\n"
        )
    assert (small["lines"], large["lines"]) == (SMALL + 1, LARGE + 1)
    assert large["bytes"] > 15 * small["bytes"]
    assert large["peak_mb"] - small["peak_mb"] < FLAT_MB
