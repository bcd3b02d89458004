"""Posting Django admin forms from tests as a browser would."""

from datetime import date, datetime, time
from typing import Any

from django.forms import (
    BaseForm,
    ModelMultipleChoiceField,
    MultipleChoiceField,
    MultiWidget,
)


def admin_form_data(response) -> dict[str, Any]:
    """The POST body an admin add or change page would send if submitted untouched.

    Read from the page's own forms (the model form, every inline form and the
    inlines' management forms), so a test changes only the keys it cares about.
    """
    forms: list[BaseForm] = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data: dict[str, Any] = {}
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            key, value = form.add_prefix(name), form[name].value()
            if isinstance(field.widget, MultiWidget):
                parts = field.widget.decompress(value)
                for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                    data[key + suffix] = _text(part)
            elif isinstance(field, MultipleChoiceField | ModelMultipleChoiceField):
                data[key] = _text(value or [])
            elif value is True:
                data[key] = "on"
            elif value is not False:
                data[key] = _text(value)
    return data


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [_text(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value
