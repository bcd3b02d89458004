"""What makes a stored paper row the same on every run: its client id (a UUID5 of
the unit, the file's SHA-256 and the Excel row number), its time (noon of the
survey day, WIB) and its content fingerprint, byte for byte the
``content_hash`` that ``response_submit`` would compute."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, time
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]

from django.utils import timezone

from mutu.surveys import paper

CLIENT_ID_NAMESPACE = uuid.UUID("6f1d6a43-3f5e-5c1b-9a57-2b1f0e4f7c21")
"""Namespace of the paper rows' UUID5 client ids (fixed forever: ids must not move)."""


def paper_client_id(unit_id: int, file_sha256: str, row: int) -> uuid.UUID:
    """The deterministic client id of one paper row (unit, file, Excel row number)."""
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"{unit_id}:{file_sha256}:{row}")


def _noon(day: date) -> datetime:
    """The time a paper row is dated: noon of its survey day in local time (WIB)."""
    return datetime.combine(day, time(12), tzinfo=timezone.get_default_timezone())


_ANSWERS_JSON = ",".join(f'"U{number}":%s' for number in range(1, 10))
# Checked answers are None or 1-4: their JSON spellings, looked up.
_ANSWER_JSON = {None: "null", 1: "1", 2: "2", 3: "3", 4: "4"}


def _json_int(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _fingerprint(unit_id: int, row: paper.PaperRow) -> str:
    """``hashing.content_hash`` of what ``response_submit`` hashes for this row.

    The canonical JSON (sorted keys, no spaces, ASCII) is written directly: five
    times faster than ``json.dumps`` of the dict, and byte for byte the same
    (``test_fingerprint_equals_content_hash`` holds the two side by side).
    """
    answers = _ANSWERS_JSON % tuple([_ANSWER_JSON[value] for value in row[3:12]])
    text = encode_basestring_ascii
    canonical = (
        f'{{"answers":{{{answers}}},"channel":"paper",'
        f'"comment":{text(row.comment)},"extra":{{}},"point":null,'
        f'"profile":{{"age":{_json_int(row.age)},'
        f'"education":{text(row.education)},'
        f'"occupation":{text(row.occupation)},"sex":{text(row.sex)}}},'
        f'"service":{int(row.service_id)},"unit":{int(unit_id)}}}'
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
