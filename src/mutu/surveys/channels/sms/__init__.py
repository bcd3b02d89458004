"""The SMS/WhatsApp channel of the survey: one question per message.

:mod:`mutu.messaging` receives the messages and hands every conversation that
starts with "SKM" (or a service point code) to
:func:`~mutu.surveys.channels.sms.conversation.survey_conversation_handle`.
"""
