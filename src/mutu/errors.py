"""The one business-error type that services raise (STYLE.md §12)."""

from typing import Any


class MutuError(Exception):
    """A rule of Mutu refused an action.

    Carries the message in Indonesian and English, plus machine-readable details.
    Pages show it as a form error; the API answers it as HTTP 400 JSON.
    """

    def __init__(self, message_id: str, message_en: str, **details: Any) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.message_en = message_en
        self.details = details

    def message_for(self, language: str | None) -> str:
        """The message in *language*: "en" gives English, anything else Indonesian."""
        return self.message_en if (language or "").startswith("en") else self.message_id

    def __str__(self) -> str:
        return f"{self.message_id} / {self.message_en}"


class ConflictError(MutuError):
    """An idempotency key (a ``client_id``) is already stored with other content.

    A retry with the same content is answered with what is stored; this error
    means the sender reused the key for something else (HTTP 409 in the API).
    """
