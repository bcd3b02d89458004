"""A paper file of 100,000 rows imports fully (issue 4), with rollups exact."""

import io
import random
from datetime import date, timedelta

from openpyxl import Workbook

from mutu.surveys.channels.paper.layout import COLUMNS, SHEET_DATA
from mutu.surveys.models import DailyRollup, Response
from mutu.surveys.rollups import rollups_rebuild
from tests.surveys.test_paper import new_job, run

ROWS = 100_000


def _large_xlsx(rows: int) -> bytes:
    """A streamed (write-only) workbook of *rows* plausible paper forms."""
    rng = random.Random(100)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_DATA)
    sheet.append(list(COLUMNS))
    start = date(2025, 7, 1)
    for _ in range(rows):
        sheet.append(
            [
                start + timedelta(days=rng.randrange(90)),
                "Penerbitan KTP-el",
                *[rng.choice((None, 2, 3, 3, 4, 4)) for _ in range(8)],
                rng.choice((2, 3, 4)),
                rng.choice(("L", "P", None)),
                rng.choice((None, 25, 40, 61)),
                rng.choice(("SMA", "S1", None)),
                rng.choice(("SWASTA", "PNS", None)),
                None,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_of_100000_rows_is_complete_and_exact(world):
    """Every one of 100,000 rows is stored once, and the rollups equal a rebuild."""
    job = run(new_job(world, _large_xlsx(ROWS)))
    assert (job.status, job.total_rows, job.created_count) == ("done", ROWS, ROWS)
    assert Response.objects.filter(channel="paper").count() == ROWS
    assert sum(DailyRollup.objects.values_list("responses", flat=True)) == ROWS
    assert rollups_rebuild(check_only=True).ok
