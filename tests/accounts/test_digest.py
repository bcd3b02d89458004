"""The weekly e-mail of each user's to-dos (``mutu todos digest``, D24): once per
ISO week, never to a user who turned it off or has nothing due, nothing in a dry
run; and the switch on the account page, by real HTTP."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mutu.accounts.digest import iso_week, weekly_digests_send
from mutu.accounts.models import User
from mutu.audit.models import AuditEvent
from tests.accounts.login import login
from tests.complaints.factories import complaint


def _due(world) -> None:
    """A late complaint at Dukcapil Pesawaran: its operator, head-less, and the
    coordinators and the admin have something due."""
    complaint(world.dukcapil, now=timezone.now() - timedelta(days=30))
    for user in (world.operator, world.coordinator, world.head, world.stranger):
        user.email = f"{user.username}@example.org"
        user.save()


def test_digest_goes_once_per_week_to_users_with_something_due(world):
    """The operator and the coordinator get one e-mail each (text and HTML, with
    the late complaint and a link to it); the head and a user without a role, with
    nothing due, get none; a second run in the same week sends nothing; the next
    week sends again."""
    _due(world)
    now = timezone.now()
    # When: the digest runs.
    run = weekly_digests_send(now=now, base_url="https://mutu.example.go.id")
    # Then: two e-mails, to the operator and the coordinator.
    assert run.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "koordinator@example.org",
        "operator@example.org",
    ]
    message = next(m for m in mail.outbox if m.to == ["operator@example.org"])
    inbox = reverse("complaints:inbox", args=[world.dukcapil.pk]) + "?due=late"
    assert "Pengaduan lewat tenggat: 1" in message.body
    assert f"https://mutu.example.go.id{inbox}" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'href="https://mutu.example.go.id{inbox.replace("&", "&amp;")}"' in html
    assert run.nothing_due == 2  # the head and the stranger
    assert User.objects.get(pk=world.operator.pk).digest_week == iso_week(
        timezone.localdate(now)
    )
    assert AuditEvent.objects.filter(action="account.digest_send").count() == 2
    # When: it runs again the same week.
    again = weekly_digests_send(now=now)
    # Then: nothing more is sent.
    assert again.sent == 0
    assert again.already_sent == 2
    assert len(mail.outbox) == 2
    # And: the next week it is sent again.
    later = weekly_digests_send(now=now + timedelta(days=7))
    assert later.sent == 2
    assert len(mail.outbox) == 4


def test_digest_respects_the_users_choice_and_dry_run(world):
    """A user who turned the digest off gets none; a dry run counts who would get
    one but sends and records nothing."""
    _due(world)
    User.objects.filter(pk=world.coordinator.pk).update(weekly_digest=False)
    out = StringIO()
    call_command("todos", "digest", "--dry-run", stdout=out)
    assert "would send 1" in out.getvalue()
    assert "turned off 1" in out.getvalue()
    assert mail.outbox == []
    assert User.objects.get(pk=world.operator.pk).digest_week == ""
    out = StringIO()
    call_command("todos", "digest", stdout=out)
    assert "sent 1" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["operator@example.org"]]


def test_failed_send_records_nothing_so_a_retry_sends(world, settings):
    """When the mail server refuses, the week is not recorded; the retry sends."""
    _due(world)
    settings.EMAIL_BACKEND = "tests.accounts.test_digest.FailingBackend"
    try:
        weekly_digests_send()
    except ConnectionError:
        pass
    assert User.objects.get(pk=world.operator.pk).digest_week == ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert weekly_digests_send().sent == 2


class FailingBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


def test_user_turns_the_digest_off_and_on_on_the_account_page(client, world):
    """The operator unticks the box and saves: the choice is stored and audited,
    and the page shows it; ticking it again turns it back on."""
    login(client, world.operator)
    url = reverse("accounts:digest")
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="weekly_digest" id="id_weekly_digest" checked' in page.content.decode()
    response = client.post(url, {})
    assert response.status_code == 302
    assert User.objects.get(pk=world.operator.pk).weekly_digest is False
    event = AuditEvent.objects.get(action="account.weekly_digest")
    assert event.changes == {"weekly_digest": [True, False]}
    page = client.get(url).content.decode()
    assert "Ringkasan mingguan dimatikan." in page
    assert 'id="id_weekly_digest" checked' not in page
    client.post(url, {"weekly_digest": "on"})
    assert User.objects.get(pk=world.operator.pk).weekly_digest is True
    # The dashboard links the page.
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{url}"' in dashboard


def test_digest_page_needs_a_login(client, world):
    """Signed out, the page sends to the login."""
    response = client.get(reverse("accounts:digest"))
    assert response.status_code == 302
    assert "/akun/masuk/" in response["Location"]
