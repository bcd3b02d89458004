"""Forms of the evaluation pages. They parse; services decide."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.date_inputs import IsoDateInput
from mutu.evaluations.instruments import openable_instruments
from mutu.evaluations.models import Cycle
from mutu.measures.instrument import (
    DEFAULT_PEKPPP_INSTRUMENT,
    UserAssessment,
    load_instrument,
)
from mutu.registry.models import ServiceUnit

LEVELS = [(str(level), str(level)) for level in range(6)]


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Nama siklus"), max_length=200)
    year = forms.IntegerField(label=_("Tahun"), min_value=2017, max_value=2100)
    scheme = forms.ChoiceField(label=_("Skema"), choices=Cycle.Scheme.choices)
    region = forms.CharField(label=_("Kode wilayah (mis. 18.09)"), max_length=16)
    units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Unit lokus"),
        queryset=ServiceUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    self_assessment_due = forms.DateField(
        label=_("Tenggat penilaian mandiri"),
        widget=IsoDateInput(),
    )
    verification_due = forms.DateField(
        label=_("Tenggat verifikasi"), widget=IsoDateInput()
    )
    data_from = forms.DateField(
        label=_("Data sejak"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("Kosong: 1 Januari tahun siklus (periode data usulan level)."),
    )
    data_to = forms.DateField(
        label=_("Data sampai"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("Kosong: 31 Desember tahun siklus."),
    )

    instrument = forms.ChoiceField(
        label=_("Instrumen"),
        required=False,
        help_text=_("Siklus memakai versi ini selamanya (D8)."),
    )

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = units
        choices = [
            (entry.key, f"{entry.instrument.title} ({entry.key})")
            for entry in openable_instruments()
        ]
        field = cast(forms.ChoiceField, self.fields["instrument"])
        field.choices = choices
        default = load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
        field.initial = f"{default.id}@{default.version}"


class DeadlinesForm(forms.Form):
    self_assessment_due = forms.DateField(
        label=_("Tenggat penilaian mandiri"),
        widget=IsoDateInput(),
    )
    verification_due = forms.DateField(
        label=_("Tenggat verifikasi"), widget=IsoDateInput()
    )
    data_from = forms.DateField(
        label=_("Data sejak"), required=False, widget=IsoDateInput()
    )
    data_to = forms.DateField(
        label=_("Data sampai"), required=False, widget=IsoDateInput()
    )
    reason = forms.CharField(label=_("Alasan perubahan"), max_length=255)


class SigningForm(forms.Form):
    """Who issues and signs the cycle's certificates, and where (cycle_signing_set)."""

    issuing_authority = forms.CharField(
        label=_("Instansi penerbit"),
        max_length=200,
        help_text=_("Mis. Kementerian PANRB atau Pemerintah Kabupaten Pesawaran."),
    )
    signatory_name = forms.CharField(label=_("Nama penanda tangan"), max_length=150)
    signatory_title = forms.CharField(label=_("Jabatan penanda tangan"), max_length=150)
    signing_place = forms.CharField(
        label=_("Tempat penandatanganan"),
        max_length=100,
        help_text=_("Kota tempat piagam ditandatangani, mis. Jakarta."),
    )


class SelfAnswerForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVELS, coerce=int)
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=2000)


class EvidenceForm(forms.Form):
    description = forms.CharField(label=_("Keterangan bukti"), max_length=255)
    file = forms.FileField(label=_("Berkas (PDF/JPG/PNG)"), required=False)
    url = forms.URLField(label=_("atau tautan"), required=False, assume_scheme="https")


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Nilai"), choices=LEVELS, coerce=int)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=2000)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=IsoDateInput())
    note = forms.CharField(
        label=_("Pengamatan"), widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(label=_("Foto (JPG/PNG)"), required=False)


class ReviseForm(forms.Form):
    indicator = forms.CharField(label=_("Indikator (mis. Q4)"), max_length=8)
    score = forms.TypedChoiceField(label=_("Nilai baru"), choices=LEVELS, coerce=int)
    reason = forms.CharField(
        label=_("Alasan koreksi"), widget=forms.Textarea(attrs={"rows": 2})
    )


class F03Form(forms.Form):
    """The user assessment (F-03): the instrument's items on its scale (PEKPPP 2022:
    eleven items scored 0–5), plus a hidden client id."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user_form: UserAssessment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item_count = len(user_form.items)
        choices = [(str(v), str(v)) for v in user_form.scale]
        for number, text in enumerate(user_form.items, start=1):
            self.fields[f"item{number}"] = forms.TypedChoiceField(
                label=text, choices=choices, coerce=int, widget=forms.RadioSelect
            )

    def item_fields(self):
        return [self[f"item{n}"] for n in range(1, self.item_count + 1)]

    def scores(self) -> list[int]:
        return [self.cleaned_data[f"item{n}"] for n in range(1, self.item_count + 1)]


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas instrumen (JSON)"),
        help_text=_("Skema berkas: docs/regulations.md D8, D19."),
    )


class InstrumentRetireForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pensiun"), max_length=500)
