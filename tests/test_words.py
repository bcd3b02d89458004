"""People see words and their own number and date formats (issue 10 item 7)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("language", ["id", "en"])
def test_language_menu_names_each_language_in_itself(db, client, language):
    """The menu offers "Bahasa Indonesia" and "English" whatever the page's language,
    so a reader finds their own language by its own name (not "Inggris")."""
    client.cookies["django_language"] = language
    body = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}">' in body
    assert '<option value="id" lang="id"' in body
    assert ">Bahasa Indonesia</option>" in body
    assert ">English</option>" in body
    assert "Inggris" not in body
    assert ">Indonesian</option>" not in body


def test_paper_pages_group_thousands_and_write_dates_as_words(
    client, world, settings, django_capture_on_commit_callbacks
):
    """The row limit reads "200.000 baris" ("200,000 rows" in English) and the
    import's dates read "4 Des 2026", never "2026-12-04", in both languages."""
    import re

    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import override

    from tests.surveys.test_paper import form_row, xlsx_bytes
    from tests.surveys.test_paper_views import recent, upload

    settings.MUTU_IMPORT_MAX_ROWS = 200000
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = upload(client, world, xlsx_bytes([form_row(recent(3))]))["Location"]
    upload_url = reverse("paper:upload", args=[world.dukcapil.pk])
    today = timezone.localdate()
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    for language, rows in (("id", "200.000 baris"), ("en", "200,000 rows")):
        client.cookies["django_language"] = language
        with override(language):
            day = date_format(today)
        upload_page = client.get(upload_url).content.decode()
        job_page = client.get(job_url).content.decode()
        assert rows in upload_page
        assert day in upload_page
        assert day in job_page
        for page in (upload_page, job_page):
            visible = re.sub(r"<[^>]+>", " ", page)
            assert iso.findall(visible) == []
    assert date_format(today, "DATE_FORMAT") != today.isoformat()


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("id", ["Rekap harian", "Respons SKM"], "Daily rollups"),
        ("en", ["Daily rollups", "SKM response"], "Rekap harian"),
    ],
)
def test_admin_index_names_mutus_models_in_the_readers_language(
    world, superuser, client, language, shown, hidden
):
    """The admin lists Mutu's models by Indonesian names, English in English; no
    class-derived English ("Daily rollups") on an Indonesian page."""
    from tests.accounts.login import login

    login(client, superuser)
    client.cookies["django_language"] = language
    body = client.get(reverse("admin:index")).content.decode()
    for name in shown:
        assert f">{name}</a>" in body
    assert f">{hidden}</a>" not in body
