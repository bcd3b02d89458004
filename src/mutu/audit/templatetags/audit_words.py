"""Template filters that show audit rows in words and the reader's number format."""

from typing import Any

from django import template

from mutu.audit import labels
from mutu.audit.models import AuditEvent

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """``certificate.issue`` -> "Penerbitan piagam" (or its English)."""
    return labels.action_label(code)


@register.filter
def change_value(value: Any) -> str:
    """One old or new value, e.g. ``"3.00"`` -> "3,00" in Indonesian."""
    return labels.change_value(value)


@register.filter
def target_label(label: str) -> str:
    """A stored object label with its index in the reader's format."""
    return labels.target_label(label)


@register.filter
def field_label(event: AuditEvent, key: str) -> str:
    """A change key in words, looked up on the changed model (``event.target_type``)."""
    return labels.field_label(event.target_type, key)
