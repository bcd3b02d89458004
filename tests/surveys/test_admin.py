"""The Django admin never deletes survey data: exclusion is the way out."""

from django.urls import reverse

from mutu.surveys.models import DailyRollup, Response
from mutu.surveys.services import response_submit
from tests.accounts.login import login

ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}


def test_response_delete_view_is_forbidden_to_a_superuser(world, superuser, client):
    """The admin's delete page of a response answers 403 on GET and POST, and the
    response and its rollup stay."""
    # Given a stored response and a signed-in superuser
    response = response_submit(
        unit=world.dukcapil, service=world.ktp, channel="web", answers=ALL_FOUR
    ).response
    login(client, superuser)
    url = reverse("admin:surveys_response_delete", args=[response.pk])
    # When the superuser opens and confirms the delete page
    opened = client.get(url)
    confirmed = client.post(url, {"post": "yes"})
    # Then both are refused and nothing is gone
    assert (opened.status_code, confirmed.status_code) == (403, 403)
    assert Response.objects.filter(pk=response.pk).exists()
    assert DailyRollup.objects.get().responses == 1


def test_response_changelist_has_no_bulk_delete_action(world, superuser, client):
    """The response list offers no "delete selected", and posting it deletes nothing."""
    # Given a stored response
    response = response_submit(
        unit=world.dukcapil, service=world.ktp, channel="web", answers=ALL_FOUR
    ).response
    login(client, superuser)
    url = reverse("admin:surveys_response_changelist")
    # When the superuser opens the list and forges the bulk delete
    page = client.get(url)
    forged = client.post(
        url,
        {"action": "delete_selected", "_selected_action": [response.pk], "post": "yes"},
    )
    # Then the action is not offered, the forged post is ignored, the row stays
    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()
    assert forged.status_code in (200, 302)
    assert Response.objects.filter(pk=response.pk).exists()
    assert DailyRollup.objects.get().responses == 1


def test_rollup_delete_view_is_forbidden_to_a_superuser(world, superuser, client):
    """A rollup row cannot be deleted from the admin either (403)."""
    response_submit(
        unit=world.dukcapil, service=world.ktp, channel="web", answers=ALL_FOUR
    )
    rollup = DailyRollup.objects.get()
    login(client, superuser)
    url = reverse("admin:surveys_dailyrollup_delete", args=[rollup.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert DailyRollup.objects.filter(pk=rollup.pk).exists()
