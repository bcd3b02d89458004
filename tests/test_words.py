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
