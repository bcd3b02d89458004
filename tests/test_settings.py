"""Every ``MUTU_…`` knob is read once, in ``mutu.settings``, from the environment."""

import importlib
import re
from pathlib import Path

import pytest

import mutu.settings

SOURCE = Path(__file__).resolve().parent.parent / "src" / "mutu"


@pytest.fixture
def reload_settings(monkeypatch):
    """Read ``mutu.settings`` again under a changed environment, then restore it."""

    def read(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(mutu.settings)

    yield read
    monkeypatch.undo()
    importlib.reload(mutu.settings)


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("MUTU_SURVEY_INTEGRITY_DELAY_SECONDS", "12.5", 12.5),
        ("MUTU_SURVEY_MAX_AGE_DAYS", "90", 90),
        ("MUTU_SURVEY_MAX_SKEW_MINUTES", "2", 2),
        ("MUTU_API_BULK_MAX", "250", 250),
        ("MUTU_IMPORT_MAX_ROWS", "5000", 5000),
        ("MUTU_RANKING_MINIMUM_SAMPLE", "30", 30),
    ],
)
def test_knob_is_read_from_the_environment(reload_settings, name, raw, value):
    """Setting the environment variable changes the setting (it used to do nothing
    for the integrity delay, which only code read, with its own default)."""
    assert getattr(reload_settings(**{name: raw}), name) == value


def test_no_code_reads_a_mutu_knob_with_its_own_default():
    """Knobs are read as ``settings.MUTU_X``: no ``getattr(settings, "MUTU_…", …)``
    and no private ``_setting`` helper repeats a default outside settings.py."""
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"getattr\(settings,\s*\"MUTU_|def _setting\(", line)
    ]
    assert offenders == []


def test_every_knob_read_by_code_is_defined_in_settings():
    """A ``settings.MUTU_X`` the code reads exists in ``mutu.settings``."""
    read = {
        name
        for path in SOURCE.rglob("*.py")
        for name in re.findall(r"settings\.(MUTU_\w+)", path.read_text("utf-8"))
    }
    assert read
    assert sorted(name for name in read if not hasattr(mutu.settings, name)) == []
