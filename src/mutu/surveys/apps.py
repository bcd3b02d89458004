from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "mutu.surveys"
    verbose_name = _("Survei Kepuasan Masyarakat")

    def ready(self) -> None:
        from mutu.messaging.keywords import handler_register
        from mutu.surveys.channels.sms.conversation import (
            KEYWORDS,
            survey_conversation_handle,
        )
        from mutu.surveys.places import connect_signals

        connect_signals()
        # A message without a keyword is a survey: the posters print "SKM <code>",
        # but many citizens send the code alone.
        handler_register(
            topic="skm",
            keywords=KEYWORDS,
            handle=survey_conversation_handle,
            default=True,
        )
