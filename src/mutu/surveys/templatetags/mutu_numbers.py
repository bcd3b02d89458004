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


@register.filter
def grouped(value):
    """``200000`` -> ``200.000`` (Indonesian) or ``200,000`` (English).

    For counts of rows, responses and respondents. Django's global
    ``USE_THOUSAND_SEPARATOR`` is left off because it would also group years and
    ids rendered as integers ("2.026"); counts opt in with this filter.
    """
    if value is None or value == "":
        return ""
    lang = "en" if (get_language() or "").startswith("en") else "id"
    return format_number(int(value), 0, lang=lang, group=True)
