"""Template filters of the complaint pages and the public recap."""

from fractions import Fraction

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mutu.complaints.models import Complaint
from mutu.complaints.selectors import recap_list_public
from mutu.measures.rounding import format_number

register = template.Library()


@register.filter
def percent(value: Fraction | None) -> str:
    """A share as a whole percentage ("—" when not measurable)."""
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def number(value: Fraction | None) -> str:
    """A figure with one decimal ("—" when not measurable)."""
    return "—" if value is None else format_number(value, 1)


@register.filter
def kind_label(value: str) -> str:
    return str(dict(Complaint.Kind.choices).get(value, value))


@register.filter
def channel_label(value: str) -> str:
    return str(dict(Complaint.Channel.choices).get(value, value))


@register.simple_tag
def complaint_recaps(unit) -> SafeString:
    """The unit's published quarterly complaints recaps, for its public page (Q27)."""
    return render_to_string(
        "complaints/_recaps.html", {"recaps": recap_list_public(unit)}
    )
