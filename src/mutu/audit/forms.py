"""The audit page's filter: a choice of actions, never free text on codes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.audit.labels import action_choices


class AuditFilterForm(forms.Form):
    """Which action to show; empty shows all. An unknown code is a form error."""

    # A callable: the labels are sorted in the language of each request.
    tindakan = forms.ChoiceField(
        label=_("Tindakan"),
        required=False,
        choices=lambda: [("", _("Semua tindakan")), *action_choices()],
    )
