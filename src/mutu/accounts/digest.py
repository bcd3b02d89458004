"""The weekly e-mail of each user's to-dos (``mutu todos digest``, D24).

Every active user with an e-mail address who has not turned it off gets, once per
ISO week, the list the dashboard shows (:mod:`mutu.accounts.todos`) as plain text
and simple HTML, in Indonesian (Mutu keeps no language per user; the pages switch
by a cookie). A user with nothing due gets nothing. The week sent is recorded on
the user (:func:`mutu.accounts.services.weekly_digest_send`), so running the
command again, or after a failure, never sends a digest twice.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutu.accounts.models import User
from mutu.accounts.services import weekly_digest_send
from mutu.accounts.todos import Todo, todo_list_for_user


def iso_week(day: date) -> str:
    """The ISO week of *day* as ``2026-W49`` (weeks start on Monday)."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestRun:
    """What a run did (or, with ``dry_run``, would do), user by user."""

    week: str
    sent: int = 0
    nothing_due: int = 0
    already_sent: int = 0
    turned_off: int = 0
    no_email: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would send" if self.dry_run else "sent"
        return (
            f"week {self.week}: {verb} {self.sent}, nothing due {self.nothing_due}, "
            f"already sent {self.already_sent}, turned off {self.turned_off}, "
            f"no e-mail {self.no_email}"
        )


def _absolute(url: str, base: str) -> str:
    return f"{base.rstrip('/')}{url}" if url.startswith("/") else url


def digest_message(
    user: User, todos: list[Todo], *, base_url: str
) -> EmailMultiAlternatives:
    """The e-mail of *todos* for *user*: plain text with simple HTML beside it."""
    context = {
        "user": user,
        "todos": [
            {
                "todo": todo,
                "url": _absolute(todo.url, base_url) if todo.url else "",
                "parts": [
                    (part, _absolute(part.url, base_url) if part.url else "")
                    for part in todo.parts
                ],
            }
            for todo in todos
        ],
        "dashboard_url": _absolute(reverse("accounts:dashboard"), base_url),
        "settings_url": _absolute(reverse("accounts:digest"), base_url),
    }
    subject = _("[Mutu] Yang menunggu Anda minggu ini: %(count)d hal") % {
        "count": len(todos)
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/digest_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/digest_email.html", context), "text/html"
    )
    return message


def weekly_digests_send(
    *, now: datetime | None = None, dry_run: bool = False, base_url: str | None = None
) -> DigestRun:
    """Send this ISO week's digest to every user who is due one; what was done.

    Users are read one at a time; each send is its own transaction
    (:func:`~mutu.accounts.services.weekly_digest_send`). With *dry_run* nothing
    is sent or recorded: the counts say what a real run would do.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = DigestRun(week=iso_week(today), dry_run=dry_run)
    base_url = base_url or settings.MUTU_PUBLIC_BASE_URL
    for user in User.objects.filter(is_active=True).order_by("pk").iterator():
        if not user.email:
            run.no_email += 1
            continue
        if not user.weekly_digest:
            run.turned_off += 1
            continue
        if user.digest_week == run.week:
            run.already_sent += 1
            continue
        with translation.override(settings.LANGUAGE_CODE):
            todos = todo_list_for_user(user, today=today)
            if not todos:
                run.nothing_due += 1
                continue
            if dry_run:
                run.sent += 1
                continue
            message = digest_message(user, todos, base_url=base_url)
        if weekly_digest_send(user=user, week=run.week, message=message):
            run.sent += 1
        else:
            run.already_sent += 1
    return run
