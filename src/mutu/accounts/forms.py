"""Sign-in forms: the password (with messages Django's Indonesian catalogue leaves
untranslated) and the two-factor code."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif."),
    }


class CodeForm(forms.Form):
    """The code of the second login step: six digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Kode"),
        max_length=32,
        strip=True,
        help_text=_(
            "Kode 6 angka dari aplikasi autentikator, atau salah satu kode pemulihan."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class EnrolConfirmForm(forms.Form):
    """The first code of a newly set-up app, which proves the app holds the secret."""

    code = forms.CharField(
        label=_("Kode dari aplikasi"),
        max_length=16,
        strip=True,
        help_text=_("Kode 6 angka yang sedang tampil di aplikasi."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class WeeklyDigestForm(forms.Form):
    """Whether the weekly e-mail of the user's to-dos goes out (D24)."""

    weekly_digest = forms.BooleanField(
        label=_("Kirim ringkasan mingguan ke surel saya"), required=False
    )
