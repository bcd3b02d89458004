"""The citizen's SKM form: nine questions, the profile, a comment. No JavaScript needed."""

import functools
from typing import cast

from django import forms
from django.core import signing
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mutu.date_inputs import IsoDateInput
from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.models import Education, FollowUpItem, Occupation, Publication, Sex
from mutu.surveys.rules import AGE_RANGE, COMMENT_MAX

STARTED_SALT = "mutu.surveys.started"
CONFIRM_SALT = "mutu.surveys.confirmed"
"""Salt of the flag that says the respondent chose to send an incomplete form."""
EXTRA_LABELS = (_("Tidak baik"), _("Kurang baik"), _("Baik"), _("Sangat baik"))
"""Answer labels of a unit's extra questions (scale 1–4, outside the IKM)."""


def _answer_choices(element) -> list[tuple[str, str]]:
    labels = (
        element.answers_en
        if (get_language() or "").startswith("en")
        else element.answers_id
    )
    return [
        (str(value), label) for value, label in zip((1, 2, 3, 4), labels, strict=True)
    ]


@functools.cache
def _element_fields(language: str) -> dict[str, forms.ChoiceField]:
    """The nine rating questions in *language*, built once per language.

    Every form shares these field objects instead of building (and normalising the
    choices of) nine fields per request: a citizen's submission is the hottest path
    of the product (issue 14 item 7). Sharing is safe because nothing changes a
    rating field after it is built: a form's state lives in its bound fields.
    """
    with translation.override(language or None):
        return {
            element.code: forms.ChoiceField(
                label=element.name_en
                if language.startswith("en")
                else element.question_id,
                choices=_answer_choices(element),
                widget=forms.RadioSelect,
                required=False,
            )
            for element in ELEMENTS
        }


class SurveyForm(forms.Form):
    """One page: the questions in code order (D4), then who answered, then comments.

    ``started`` carries a signed timestamp of when the form was shown (minimum fill
    time); ``website`` is a honeypot no person fills; ``client_id`` makes a double
    submit store one response; ``confirmed`` carries the signed answer "send it as
    it is" once the respondent was asked about unanswered questions (asked once).
    A counter with several services starts on "Pilih layanan", so that a careless
    respondent cannot rate the first service of the list by default.
    """

    service = forms.TypedChoiceField(
        label=_("Layanan yang Anda terima"),
        coerce=int,
        error_messages={
            "required": _("Pilih layanan yang Anda terima."),
            "invalid_choice": _("Pilih layanan yang Anda terima."),
        },
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), *Sex.choices], required=False
    )
    age = forms.IntegerField(
        label=_("Usia (tahun)"),
        min_value=AGE_RANGE[0],
        max_value=AGE_RANGE[1],
        required=False,
    )
    education = forms.ChoiceField(
        label=_("Pendidikan terakhir"),
        choices=[("", "—"), *Education.choices],
        required=False,
    )
    occupation = forms.ChoiceField(
        label=_("Pekerjaan"), choices=[("", "—"), *Occupation.choices], required=False
    )
    comment = forms.CharField(
        label=_("Kritik dan saran"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    website = forms.CharField(required=False, label=_("Jangan diisi"))
    started = forms.CharField(widget=forms.HiddenInput)
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services, extra_questions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra_codes = [f"X{n}" for n in range(1, len(extra_questions) + 1)]
        service_field = cast(forms.TypedChoiceField, self.fields["service"])
        service_field.choices = [(s.pk, s.name) for s in services]
        if len(services) == 1:
            self.fields["service"].initial = services[0].pk
        else:
            service_field.choices = [("", _("Pilih layanan")), *service_field.choices]
        self.fields.update(_element_fields(get_language() or ""))
        for code, question in zip(self.extra_codes, extra_questions, strict=True):
            self.fields[code] = forms.ChoiceField(
                label=question,
                choices=[
                    (str(v), label)
                    for v, label in zip(range(1, 5), EXTRA_LABELS, strict=True)
                ],
                widget=forms.RadioSelect,
                required=False,
            )

    @staticmethod
    def sign_start() -> str:
        return signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)

    def seconds_taken(self) -> float | None:
        """Seconds since the form was shown, or ``None`` when the stamp is forged."""
        try:
            started = signing.loads(self.cleaned_data["started"], salt=STARTED_SALT)
        except (signing.BadSignature, KeyError):
            return None
        return timezone.now().timestamp() - float(started)

    def answered_count(self) -> int:
        """How many of the nine rating questions are answered (valid form)."""
        return sum(1 for element in ELEMENTS if self.cleaned_data.get(element.code))

    def first_unanswered(self) -> str:
        """The element code of the first unanswered rating question (or ``""``)."""
        return next((e.code for e in ELEMENTS if not self.cleaned_data.get(e.code)), "")

    def confirm_token(self) -> str:
        """The signed "send it as it is" flag for this form's ``client_id``."""
        return signing.dumps(str(self.cleaned_data["client_id"]), salt=CONFIRM_SALT)

    def is_confirmed(self) -> bool:
        """Whether the respondent already chose to send this form incomplete."""
        try:
            value = signing.loads(self.cleaned_data["confirmed"], salt=CONFIRM_SALT)
        except (signing.BadSignature, KeyError):
            return False
        return value == str(self.cleaned_data["client_id"])

    def errors_for_people(self) -> list[str]:
        """Every error as a person reads it: a question by its number, not its
        whole text; the service's message names the field itself."""
        lines = [str(error) for error in self.non_field_errors()]
        numbers = {e.code: n for n, e in enumerate(ELEMENTS, start=1)}
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            if name in numbers:
                prefix = str(_("Pertanyaan %(number)s") % {"number": numbers[name]})
            elif name in self.extra_codes:
                number = self.extra_codes.index(name) + 1
                prefix = str(_("Pertanyaan tambahan %(number)s") % {"number": number})
            elif name == "service":
                prefix = ""
            else:
                prefix = str(self.fields[name].label)
            lines += [
                f"{prefix}: {error}" if prefix else str(error) for error in errors
            ]
        return lines

    def element_fields(self):
        return [self[element.code] for element in ELEMENTS]

    def extra_fields(self):
        return [self[code] for code in self.extra_codes]

    def extra_answers(self) -> dict[str, int]:
        """Answers to the unit's own questions (never counted in the IKM)."""
        return {
            code: int(self.cleaned_data[code])
            for code in self.extra_codes
            if self.cleaned_data.get(code)
        }

    def profile_fields(self):
        return [self[name] for name in ("sex", "age", "education", "occupation")]

    def answers(self) -> dict[str, str]:
        return {e.code: self.cleaned_data.get(e.code) or "" for e in ELEMENTS}

    def profile(self) -> dict[str, object]:
        return {
            name: self.cleaned_data.get(name)
            for name in ("sex", "age", "education", "occupation")
        }


class PopulationForm(forms.Form):
    population = forms.IntegerField(
        label=_("Jumlah pengguna layanan pada periode ini"), min_value=1
    )


class PublishForm(forms.Form):
    published_at = forms.DateField(label=_("Tanggal publikasi"), widget=IsoDateInput())
    publication_media = forms.MultipleChoiceField(
        label=_("Media publikasi"),
        choices=Publication.Medium.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class FollowUpForm(forms.Form):
    element = forms.ChoiceField(
        label=_("Unsur"), choices=[(e.code, f"{e.code} {e.name_id}") for e in ELEMENTS]
    )
    action = forms.CharField(
        label=_("Tindakan perbaikan"), widget=forms.Textarea(attrs={"rows": 2})
    )
    person_in_charge = forms.CharField(label=_("Penanggung jawab"), max_length=150)
    due_date = forms.DateField(label=_("Tenggat"), widget=IsoDateInput())


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpItem.Status.choices)
    evidence = forms.CharField(
        label=_("Bukti (tautan atau uraian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    completed_at = forms.DateField(
        label=_("Tanggal selesai"),
        required=False,
        widget=IsoDateInput(),
    )


class DecisionForm(forms.Form):
    response = forms.IntegerField(widget=forms.HiddenInput)
    excluded = forms.TypedChoiceField(
        choices=[("1", _("Kecualikan")), ("0", _("Ikutkan"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Alasan"), max_length=255)


class SurveySettingsForm(forms.Form):
    period_kind = forms.ChoiceField(
        label=_("Periode survei"),
        choices=[
            ("month", _("Bulanan")),
            ("quarter", _("Triwulan")),
            ("semester", _("Semester")),
            ("year", _("Tahunan")),
        ],
    )
    extra_questions = forms.CharField(
        label=_(
            "Pertanyaan tambahan (satu per baris, paling banyak 5; tidak dihitung dalam IKM)"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    own_networks = forms.CharField(
        label=_("Jaringan internal unit"),
        help_text=_(
            "Alamat jaringan komputer kantor unit ini, yang dipakai petugas. Survei "
            "yang dikirim dari jaringan ini ditandai untuk diperiksa koordinator, "
            "karena bisa jadi diisi petugas, bukan warga. Tulis satu rentang alamat "
            "IP per baris, mis. 192.168.1.0/24 (semua alamat 192.168.1.…); tanyakan "
            "kepada pengelola TI kantor. Boleh dikosongkan."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
