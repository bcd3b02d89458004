"""Every date input of every form carries an ISO value, whatever the language: a
``type=date`` input drops any other value, and the form then saves an empty date."""

import importlib
import inspect
import pkgutil
import re
from datetime import date

import pytest
from django import forms
from django.utils import translation

import mutu
from mutu.date_inputs import IsoDateInput

DAY = date(2025, 5, 31)


def _form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in a ``forms`` module of Mutu."""
    found = []
    for module_info in pkgutil.walk_packages(mutu.__path__, "mutu."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


DATE_FIELDS = [
    (form_class, name)
    for form_class in _form_classes()
    for name, field in form_class.base_fields.items()
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField)
]


def test_the_forms_with_dates_are_all_found():
    """The walk finds the known date fields, so the check below cannot pass empty."""
    names = {f"{form.__name__}.{name}" for form, name in DATE_FIELDS}
    assert {
        "DeadlinesForm.self_assessment_due",
        "CycleForm.verification_due",
        "VisitForm.visited_on",
        "PublishForm.published_at",
        "FollowUpForm.due_date",
        "FollowUpStatusForm.completed_at",
        "StandardForm.decree_date",
    } <= names


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("form_class", "name"),
    DATE_FIELDS,
    ids=[f"{form.__name__}.{name}" for form, name in DATE_FIELDS],
)
def test_a_date_input_shows_its_initial_date_in_iso(form_class, name, language):
    """Rendered with an initial date, the input is a date picker holding 2025-05-31."""
    field = form_class.base_fields[name]
    with translation.override(language):
        html = field.widget.render(name, DAY)
    assert isinstance(field.widget, IsoDateInput)
    assert 'type="date"' in html
    assert re.search(r'value="2025-05-31"', html), html
