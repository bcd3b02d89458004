"""The straight-line integrity rule replayed for rows stored in one bulk: which
rows ``response_submit`` would have flagged, had they come one by one."""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Sequence
from datetime import datetime

from mutu.surveys import paper
from mutu.surveys.imports.identity import _noon
from mutu.surveys.models import ELEMENT_FIELDS, Channel, Response

STRAIGHT_LINE_RULE = "straight_line"


class _StraightLines:
    """Replays ``integrity.straight_line_signal`` for rows stored in one bulk.

    ``response_submit`` flags a response whose nine answers are all equal when the
    ``run - 1`` responses before it from the same source (for paper: same unit,
    channel paper), ordered by ``submitted_at`` then id, newest first, among those
    with ``submitted_at`` not later than its own, are all straight lines too. Rows
    of a bulk get ids in file order, above every id already stored, so the rows
    before row *k* are: earlier rows of this import (latest first) and, at equal
    or older times, the responses stored before the import (read once per time).
    """

    def __init__(self, unit_id: int, run: int, rows: Sequence[paper.PaperRow]):
        self.need = max(run - 1, 0)
        self.unit_id = unit_id
        # The last `need` rows of this import at each time, and the sorted times.
        self.recent: dict[datetime, deque[bool]] = {}
        self.times: list[datetime] = []
        self.stored: dict[datetime, list[tuple[datetime, bool]]] = {}
        if self.need:
            straight_times = {_noon(r.day) for r in rows if _straight(r[3:12])}
            for moment in straight_times:
                previous = (
                    Response.objects.filter(
                        unit_id=unit_id,
                        channel=Channel.PAPER,
                        submitted_at__lte=moment,
                    )
                    .order_by("-submitted_at", "-id")
                    .values_list("submitted_at", *ELEMENT_FIELDS)[: self.need]
                )
                self.stored[moment] = [
                    (values[0], _straight(values[1:])) for values in previous
                ]

    def flagged(self, moment: datetime, straight: bool) -> bool:
        """Whether the next row (at *moment*) is flagged; then remember it."""
        result = straight and self._run_before(moment)
        bucket = self.recent.get(moment)
        if bucket is None:
            bucket = self.recent[moment] = deque(maxlen=max(self.need, 1))
            bisect.insort(self.times, moment)
        bucket.append(straight)
        return result

    def _run_before(self, moment: datetime) -> bool:
        if not self.need:
            return True
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
        earlier = earlier[: self.need]
        return len(earlier) == self.need and all(earlier)


def _straight(values: Sequence[int | None]) -> bool:
    return (
        len(values) == len(ELEMENT_FIELDS)
        and None not in values
        and len(set(values)) == 1
    )
