"""The audit page's filter: a choice of actions, never free text on codes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.audit.labels import action_choices


class AuditFilterForm(forms.Form):
    """Which action to show; empty shows all. An unknown code is a form error."""

    tindakan = forms.ChoiceField(label=_("Tindakan"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["tindakan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Semua tindakan")), *action_choices()]
