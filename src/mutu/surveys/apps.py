from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "mutu.surveys"
    verbose_name = _("Survei Kepuasan Masyarakat")

    def ready(self) -> None:
        from mutu.surveys.places import connect_signals

        connect_signals()
