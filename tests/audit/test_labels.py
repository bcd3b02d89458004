"""Every action a service records has words, in Indonesian and English."""

import re
from pathlib import Path

from django.utils import translation

import mutu
from mutu.audit.labels import ACTION_LABELS, action_label, change_value, target_label

SRC = Path(mutu.__file__).parent
# ``audit_record(`` then, among its first arguments, ``action="…"``.
CALL = re.compile(r"\baudit_record\((?=(?P<args>.{0,300}))", re.S)
ACTION = re.compile(r"""\baction=(?P<quote>["'])(?P<code>[^"']+)(?P=quote)""")


def _recorded_actions() -> set[str]:
    """Grep the code for the action codes services pass to ``audit_record``."""
    codes: set[str] = set()
    calls = 0
    for path in SRC.rglob("*.py"):
        if path.parts[-2:] == ("audit", "services.py"):
            continue  # the definition itself
        for call in CALL.finditer(path.read_text(encoding="utf-8")):
            calls += 1
            found = ACTION.search(call["args"])
            assert found, f"{path}: audit_record without a literal action= code"
            codes.add(found["code"])
    assert calls >= 40, calls  # the grep really found the calls
    return codes


def test_every_recorded_action_has_a_label():
    """A new ``audit_record(action=...)`` without a label fails here, and a label
    for an action nobody records any more is stale."""
    recorded = _recorded_actions()
    assert recorded - ACTION_LABELS.keys() == set()
    assert ACTION_LABELS.keys() - recorded == set()


def test_every_label_is_translated_to_english():
    """Each label reads differently in English, so none is missing from the catalogue."""
    with translation.override("en"):
        english = {code: action_label(code) for code in ACTION_LABELS}
    with translation.override("id"):
        indonesian = {code: action_label(code) for code in ACTION_LABELS}
    same = [code for code in ACTION_LABELS if english[code] == indonesian[code]]
    assert same == []


def test_values_use_the_readers_decimal_separator():
    """A stored "3.00" reads "3,00" in Indonesian and "3.00" in English."""
    with translation.override("id"):
        assert change_value("3.00") == "3,00"
        assert change_value(None) == "—"
        assert change_value(2026) == "2026"
        assert change_value("Gratis") == "Gratis"
        assert change_value("2026-12-04") == "4 Des 2026"
        assert target_label("Siklus 2026 · Dukcapil r1: 3.00 C") == (
            "Siklus 2026 · Dukcapil revisi 1: 3,00 C"
        )
    with translation.override("en"):
        assert change_value("3.00") == "3.00"
        assert change_value("2026-12-04") == "4 Dec 2026"
        assert target_label("X r2: 88.31 A") == "X revision 2: 88.31 A"
