from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "mutu.evaluations"
    verbose_name = _("Evaluasi kinerja (PEKPPP)")
