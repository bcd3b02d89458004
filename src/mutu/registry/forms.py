"""Forms of the registry pages. They parse input only; services apply the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.date_inputs import IsoDateInput
from mutu.measures.standards import STANDARD_COMPONENTS
from mutu.registry.models import (
    Service,
    ServiceStandard,
    StandardMedium,
    UnitRecord,
)
from mutu.registry.services import UNIT_RECORD_FIELDS


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StandardForm(forms.ModelForm):
    """The 14 components, in the order of UU 25/2009 Pasal 21, plus the decree and
    where the service-delivery components are published (Q3, D19)."""

    publication_media = forms.MultipleChoiceField(
        label=_("Media publikasi standar"),
        choices=StandardMedium.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Media tempat komponen service delivery (a–f) standar ini dipublikasikan."
        ),
    )

    class Meta:
        model = ServiceStandard
        fields = [
            *(c.field for c in STANDARD_COMPONENTS),
            "decree_number",
            "decree_date",
            "publication_media",
            "publication_complete",
            "on_sippn",
            "complaint_verify_days",
            "complaint_answer_days",
            "complaint_resolve_days",
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


class UnitRecordForm(forms.ModelForm):
    """Maklumat Pelayanan (Q5), service hours (Q10), queue system (Q31): D19."""

    class Meta:
        model = UnitRecord
        fields = list(UNIT_RECORD_FIELDS)
        widgets = {
            "charter_text": forms.Textarea(attrs={"rows": 4}),
            "charter_decree_date": IsoDateInput(),
        }

    GROUPS = (
        (_("Maklumat Pelayanan"), "charter_"),
        (_("Waktu pelayanan"), "hours_"),
        (_("Sistem antrian"), "queue_"),
    )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in three fieldsets, by prefix."""
        return [
            (str(title), [f for f in self if f.name.startswith(prefix)])
            for title, prefix in self.GROUPS
        ]
