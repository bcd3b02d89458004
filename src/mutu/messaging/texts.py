"""Replies as SMS: plain ASCII (the GSM-7 alphabet), at most 160 characters each.

One character outside GSM-7 turns an SMS into UCS-2, which holds only 70
characters, so replies are folded to ASCII; long replies are split at spaces.
"""

import unicodedata

SMS_MAX = 160
"""One SMS in the GSM-7 alphabet holds 160 characters."""

_PUNCTUATION = {"–": "-", "—": "-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'}


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def ascii_fold(text: str) -> str:
    # One character outside GSM-7 turns an SMS into UCS-2, which holds only 70
    # characters: keep replies in plain ASCII ("é" -> "e", "–" -> "-").
    text = "".join(_PUNCTUATION.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def sms_split(text: str, limit: int = SMS_MAX) -> list[str]:
    """Split *text* at spaces into messages of at most *limit* characters."""
    words = text.split()
    parts: list[str] = []
    current = ""
    for word in words:
        while len(word) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts


def sms_pack(*chunks: str) -> tuple[str, ...]:
    """Join chunks into as few SMS as possible, never cutting a chunk that fits one."""
    messages: list[str] = []
    for chunk in (ascii_fold(c) for c in chunks if c):
        if messages and len(messages[-1]) + 1 + len(chunk) <= SMS_MAX:
            messages[-1] = f"{messages[-1]} {chunk}"
        else:
            messages.extend(sms_split(chunk))
    return tuple(messages)
