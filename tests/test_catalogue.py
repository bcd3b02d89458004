"""Every msgid Mutu uses has an English translation (issue 10: no untranslated text).

Indonesian is the source language, so the Indonesian catalogue is the msgids
themselves; the English catalogue ``src/mutu/locale/en/LC_MESSAGES/django.po``
must translate each one. The msgids are extracted by Django's own
``makemessages`` from a temporary copy of the code, never into the real
catalogue (running it there renumbers every reference and conflicts with every
branch); new entries are appended to the ``.po`` by hand and compiled with
``msgfmt``.
"""

import ast
import gettext
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

import mutu

SRC = Path(mutu.__file__).parent
CATALOGUE = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"

Key = tuple[str, str]  # (msgctxt, msgid)


def _unquote(line: str) -> str:
    text = ast.literal_eval(line)
    assert isinstance(text, str)
    return text


def parse_po(text: str) -> dict[Key, list[str]]:
    """``{(context, msgid): [msgstr, ...]}`` of a ``.po`` file; fuzzy entries and
    obsolete (``#~``) ones count as untranslated, as ``msgfmt`` drops them."""
    entries: dict[Key, list[str]] = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        fuzzy = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current] += _unquote(line)
                continue
            current, _, rest = line.partition(" ")
            fields[current] = _unquote(rest)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        key = (fields.get("msgctxt", ""), fields["msgid"])
        strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries[key] = [] if fuzzy else strs
    return entries


@pytest.fixture(scope="module")
def used_msgids(tmp_path_factory: pytest.TempPathFactory) -> set[Key]:
    """The msgids ``makemessages`` finds in Python code and templates."""
    copy = tmp_path_factory.mktemp("catalogue") / "mutu"
    shutil.copytree(
        SRC,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "*.mo"),
    )
    (copy / "locale").mkdir()
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        cwd = Path.cwd()
        try:
            os.chdir(copy)
            call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
        finally:
            os.chdir(cwd)
    extracted = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(
        encoding="utf-8"
    )
    return set(parse_po(extracted))


def test_every_used_msgid_has_an_english_translation(used_msgids):
    """A string marked for translation but missing from (or empty in) the English
    catalogue shows Indonesian to an English reader."""
    catalogue = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert len(used_msgids) > 500  # the extraction really ran over the code
    missing = sorted(
        key for key in used_msgids if not catalogue.get(key) or not all(catalogue[key])
    )
    assert missing == []


def test_the_compiled_catalogue_matches_the_po():
    """The ``.mo`` Django reads says what the ``.po`` says: an entry appended to the
    ``.po`` without running ``msgfmt`` would never reach a page."""
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for (context, msgid), strs in parse_po(CATALOGUE.read_text("utf-8")).items()
        if strs and not context and len(strs) == 1
        if translations.gettext(msgid) != strs[0]
    ]
    assert stale == []
