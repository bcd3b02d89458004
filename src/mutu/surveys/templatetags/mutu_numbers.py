"""Number formatting for pages: half-up to 2 decimals, Indonesian decimal comma (D1)."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from mutu.measures.rounding import format_number

register = template.Library()


@register.filter
def id2(value):
    """``88.305`` -> ``88,31`` (Indonesian) or ``88.31`` (English); blanks stay blank."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    lang = "en" if (get_language() or "").startswith("en") else "id"
    return format_number(value, 2, lang=lang)
