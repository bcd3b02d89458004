"""Which app owns a conversation: handlers registered by keyword.

An app registers a handler for its keywords in its ``AppConfig.ready``
(:func:`handler_register`); the messaging app then hands it every conversation
that starts with one of them, and the following messages of that phone until
another keyword starts another conversation. One handler is the default, for a
first message without a keyword (a survey started by a service point code alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mutu.messaging.models import SmsConversation


Reply = tuple[tuple[str, ...], Any]
"""The messages answering one inbound message, and what it stored (or None)."""


@dataclass(frozen=True)
class Inbound:
    """One message as a handler sees it: the sender's number (in memory only,
    normalised), the text, the channel (``sms``/``whatsapp``), the time, and
    whether the conversation had been silent past the timeout."""

    phone: str
    text: str
    channel: str
    now: datetime
    expired: bool

    def __repr__(self) -> str:
        return f"Inbound(channel={self.channel!r})"  # keeps the number out of logs


Handle = Callable[["SmsConversation", Inbound], Reply]


@dataclass(frozen=True)
class Handler:
    topic: str
    keywords: frozenset[str]
    handle: Handle


_handlers: dict[str, Handler] = {}
_default_topic: list[str] = []


def handler_register(
    *, topic: str, keywords: set[str], handle: Handle, default: bool = False
) -> None:
    """Hand conversations that start with one of *keywords* to *handle*.

    *topic* is stored on the conversation (at most 20 characters); keywords are
    matched case-insensitively against the first word of a message. Registering
    a topic again replaces it (Django may run ``ready`` twice in tests).
    """
    taken = {
        word
        for other in _handlers.values()
        if other.topic != topic
        for word in other.keywords
    }
    words = frozenset(word.lower() for word in keywords)
    if words & taken:
        raise ValueError(f"keywords already taken: {sorted(words & taken)}")
    _handlers[topic] = Handler(topic, words, handle)
    if default:
        _default_topic[:] = [topic]


def handler_for_keyword(text: str) -> Handler | None:
    """The handler whose keyword is the first word of *text*, if any."""
    words = (text or "").lower().split()
    if not words:
        return None
    first = words[0].strip(".,!?:")
    return next((h for h in _handlers.values() if first in h.keywords), None)


def handler_for_topic(topic: str) -> Handler | None:
    """The handler of a conversation's *topic*, else the default one."""
    return _handlers.get(topic) or (
        _handlers.get(_default_topic[0]) if _default_topic else None
    )
