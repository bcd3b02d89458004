from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "mutu.registry"
    verbose_name = _("Registri layanan")

    def ready(self) -> None:
        from mutu import lookups

        lookups.register()
