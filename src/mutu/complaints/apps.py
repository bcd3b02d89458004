from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "mutu.complaints"
    verbose_name = _("Pengaduan")

    def ready(self) -> None:
        from mutu.complaints.conversation import KEYWORDS, complaint_conversation_handle
        from mutu.messaging.keywords import handler_register

        handler_register(
            topic="aduan", keywords=KEYWORDS, handle=complaint_conversation_handle
        )
