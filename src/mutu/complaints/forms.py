"""Forms of the complaint pages: the citizen's form (no JavaScript needed), the
operator's entry, the unit's actions, and the citizen's rating and answers."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.complaints.models import Complaint
from mutu.registry.models import ServiceUnit

PRIVACY_HELP = _(
    "Terbuka: nama dan kontak terlihat oleh petugas unit. Rahasia: hanya kepala "
    "unit dan koordinator wilayah. Anonim: tanpa nama dan kontak (Anda tetap "
    "mendapat kode lacak)."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to three files in one input (checked by content in the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class UnitChoiceField(forms.ModelChoiceField):
    """Units by their full name (a citizen does not know the short names)."""

    def label_from_instance(self, obj: ServiceUnit) -> str:  # type: ignore[override]
        return obj.name


class ComplaintForm(forms.Form):
    """What a citizen (or an operator for them) files."""

    unit = UnitChoiceField(
        label=_("Unit pelayanan yang diadukan"),
        queryset=ServiceUnit.objects.none(),
        empty_label=_("Pilih unit"),
        error_messages={"required": _("Pilih unit pelayanan.")},
    )
    kind = forms.ChoiceField(
        label=_("Jenis laporan"),
        choices=Complaint.Kind.choices,
        initial=Complaint.Kind.COMPLAINT,
    )
    text = forms.CharField(
        label=_("Isi pengaduan"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang terjadi, kapan, dan di loket mana."),
    )
    privacy = forms.ChoiceField(
        label=_("Kerahasiaan identitas"),
        choices=Complaint.Privacy.choices,
        initial=Complaint.Privacy.OPEN,
        widget=forms.RadioSelect,
        help_text=PRIVACY_HELP,
    )
    reporter_name = forms.CharField(
        label=_("Nama (boleh dikosongkan)"), max_length=150, required=False
    )
    reporter_email = forms.EmailField(
        label=_("Surel (boleh dikosongkan)"), required=False
    )
    reporter_phone = forms.CharField(
        label=_("Telepon (boleh dikosongkan)"), max_length=30, required=False
    )
    attachments = MultipleFileField(
        label=_("Lampiran: foto atau PDF, paling banyak 3 (boleh dikosongkan)"),
        required=False,
    )
    website = forms.CharField(required=False, label=_("Situs web (kosongkan)"))

    def __init__(self, *args, units=None, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
            unit_field.queryset = units
        if channels:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Diterima melalui"), choices=channels
            )


class ActionForm(forms.Form):
    """One action of the unit on a complaint (the button pressed names it)."""

    ACTIONS = (
        "verify",
        "forward",
        "archive",
        "start",
        "answer",
        "close",
        "note",
        "follow_up",
    )
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    text = forms.CharField(
        label=_("Teks"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    template = forms.IntegerField(required=False)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=500)
    unit = forms.IntegerField(required=False)
    field_inspection = forms.BooleanField(
        label=_("Perlu pemeriksaan lapangan (60 hari kerja)"), required=False
    )
    follow_up = forms.IntegerField(required=False)


class CitizenForm(forms.Form):
    """The citizen's rating, dispute or "solved?" answer on the tracking page."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("rate", "dispute", "solved")])
    rating = forms.TypedChoiceField(
        label=_("Nilai jawaban"),
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")],
        coerce=int,
        required=False,
    )
    reason = forms.CharField(
        label=_("Alasan sanggahan"), required=False, max_length=2000
    )
    solved = forms.ChoiceField(
        choices=[("ya", "ya"), ("tidak", "tidak")], required=False
    )
