"""The one date widget of every form: a browser date picker with an ISO value.

A ``type=date`` input only accepts ``yyyy-mm-dd`` in its ``value``; Django's
DateInput formats with the active language's first DATE_INPUT_FORMATS entry
("31-05-2025" in Indonesian), which the browser discards, so a form opened to change a
date showed it empty and saved it empty. Every date field uses this widget instead of
setting ``type`` and ``format`` by hand.
"""

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """``<input type="date">`` whose value is always ``yyyy-mm-dd``, any language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
