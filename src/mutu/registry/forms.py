"""Forms of the registry pages. They parse input only; services apply the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.date_inputs import IsoDateInput
from mutu.measures.standards import STANDARD_COMPONENTS
from mutu.registry.models import Service, ServiceStandard


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StandardForm(forms.ModelForm):
    """The 14 components, in the order of UU 25/2009 Pasal 21, plus the decree."""

    class Meta:
        model = ServiceStandard
        fields = [
            *(c.field for c in STANDARD_COMPONENTS),
            "decree_number",
            "decree_date",
        ]
        widgets = {
            **{c.field: forms.Textarea(attrs={"rows": 3}) for c in STANDARD_COMPONENTS},
            "decree_date": IsoDateInput(),
        }
        help_texts = {
            "decree_number": _(
                "Nomor keputusan kepala unit yang menetapkan standar ini."
            ),
        }
