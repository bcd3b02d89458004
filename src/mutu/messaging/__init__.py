"""SMS and WhatsApp: the webhooks of the providers, their signatures and formats,
the replies sent back, and one session per phone (by keyed phone hash).

The app knows nothing of surveys or complaints. It hands each conversation to the
app that owns its keyword (:mod:`mutu.messaging.keywords`): the surveys app
registers "SKM" (and is the default for a message without a keyword); another app
adds its own keyword the same way, without touching this one. docs/sms-whatsapp.md
is the operator's guide.
"""
