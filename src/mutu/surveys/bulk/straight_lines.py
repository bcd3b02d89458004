"""The straight-line integrity rule for rows stored in one bulk: which rows
``response_submit`` would have flagged, had they come one by one.

The rule itself (:func:`~mutu.surveys.integrity.is_straight_line` and
:func:`~mutu.surveys.integrity.straight_line_run`) is the one the single path runs;
only the look-up of the previous responses of the same source differs: the
single path asks the database per response, a bulk keeps its own rows in memory."""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Sequence
from datetime import datetime

from mutu.surveys.bulk.rows import BulkRow, day_noon
from mutu.surveys.integrity import is_straight_line, straight_line_run
from mutu.surveys.models import ELEMENT_FIELDS, Response


class StraightLines:
    """The previous responses of a bulk's source, for the straight-line rule.

    ``integrity.straight_line_signal`` looks at the ``run - 1`` responses before
    a response from the same source (for a bulk without point or device: same
    unit and channel), newest first by ``submitted_at`` then id, among those not
    later than its own. Rows of a bulk get ids in source order, above every id
    already stored, so the rows before row *k* are: earlier rows of this bulk
    (latest first) and, at equal or older times, the responses stored before the
    bulk (read once per time).
    """

    def __init__(
        self, unit_id: int, channel: str, run: int, rows: Sequence[BulkRow]
    ) -> None:
        self.run = run
        self.need = max(run - 1, 0)
        self.unit_id = unit_id
        # The last `need` rows of this import at each time, and the sorted times.
        self.recent: dict[datetime, deque[bool]] = {}
        self.times: list[datetime] = []
        self.stored: dict[datetime, list[tuple[datetime, bool]]] = {}
        if self.need:
            straight_times = {
                day_noon(r.day) for r in rows if is_straight_line(r[3:12])
            }
            for moment in straight_times:
                previous = (
                    Response.objects.filter(
                        unit_id=unit_id,
                        channel=channel,
                        submitted_at__lte=moment,
                    )
                    .order_by("-submitted_at", "-id")
                    .values_list("submitted_at", *ELEMENT_FIELDS)[: self.need]
                )
                self.stored[moment] = [
                    (values[0], is_straight_line(values[1:])) for values in previous
                ]

    def flagged(self, moment: datetime, straight: bool) -> bool:
        """Whether the next row (at *moment*) is flagged; then remember it."""
        result = straight and straight_line_run(self._before(moment), run=self.run)
        bucket = self.recent.get(moment)
        if bucket is None:
            bucket = self.recent[moment] = deque(maxlen=max(self.need, 1))
            bisect.insort(self.times, moment)
        bucket.append(straight)
        return result

    def _before(self, moment: datetime) -> list[bool]:
        """Whether each of the ``need`` responses before one at *moment* is a
        straight line, newest first (fewer when the source has fewer)."""
        earlier: list[bool] = []
        stored = self.stored.get(moment, [])
        position = 0  # into `stored`, newest first
        index = bisect.bisect_right(self.times, moment) - 1
        while len(earlier) < self.need and (index >= 0 or position < len(stored)):
            at = self.times[index] if index >= 0 else None
            # Stored rows later than this import's next time come first; at equal
            # times the import's rows come first (their ids are higher).
            while (
                position < len(stored)
                and (at is None or stored[position][0] > at)
                and len(earlier) < self.need
            ):
                earlier.append(stored[position][1])
                position += 1
            if at is not None:
                earlier.extend(reversed(self.recent[at]))
                index -= 1
        return earlier[: self.need]
