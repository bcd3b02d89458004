"""The messaging app hands each conversation to the app that owns its keyword."""

import pytest

from mutu.errors import MutuError
from mutu.messaging import keywords
from mutu.messaging.models import SmsConversation
from mutu.messaging.services import conversation_handle
from mutu.surveys.models import Response
from tests.registry import factories

PHONE = "+6281234567890"


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


@pytest.fixture
def echo_topic():
    """A second app's handler for the keyword "TES", registered like the surveys
    app registers "SKM" (and removed afterwards)."""
    seen = []

    def handle(conversation, inbound):
        seen.append((conversation.topic, inbound.text, inbound.channel))
        conversation.step += 1
        return (f"tes {conversation.step}",), None

    keywords.handler_register(topic="tes", keywords={"tes"}, handle=handle)
    yield seen
    keywords._handlers.pop("tes")


def _asks_first_question(reply) -> bool:
    return any(message.startswith("1/9") for message in reply.messages)


def send(text, message_id=""):
    return conversation_handle(
        provider="generic", channel="sms", phone=PHONE, text=text, message_id=message_id
    )


def test_a_keyword_hands_the_conversation_to_its_app(world, point, echo_topic):
    """ "TES …" goes to the TES handler; the phone's next messages stay with it
    until another keyword starts another conversation from a clean state."""
    assert _asks_first_question(send("SKM dukcapil-1"))
    assert SmsConversation.objects.get().topic == "skm"

    assert send("tes halo").messages == ("tes 1",)
    assert send("4").messages == ("tes 2",)  # not taken as a survey answer
    conversation = SmsConversation.objects.get()
    assert (conversation.topic, conversation.point) == ("tes", None)
    assert echo_topic == [("tes", "tes halo", "sms"), ("tes", "4", "sms")]

    reply = send("skm dukcapil-1")
    assert _asks_first_question(reply)
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.step) == ("skm", 1)
    assert not Response.objects.exists()


def test_a_message_without_keyword_goes_to_the_default_survey(world, point):
    """A service point code alone starts a survey: the surveys app is the default."""
    reply = send("dukcapil-1")
    assert _asks_first_question(reply)
    assert SmsConversation.objects.get().topic == "skm"


def test_a_keyword_taken_by_another_app_is_refused():
    """Two apps cannot own one keyword: the second registration fails loudly."""
    with pytest.raises(ValueError, match="skm"):
        keywords.handler_register(
            topic="other", keywords={"SKM"}, handle=lambda c, i: ((), None)
        )
    assert "other" not in keywords._handlers


def test_an_unknown_channel_is_refused_before_anything_is_written(db):
    """Only SMS and WhatsApp conversations exist; nothing is stored otherwise."""
    with pytest.raises(MutuError):
        conversation_handle(provider="generic", channel="email", phone=PHONE, text="x")
    assert not SmsConversation.objects.exists()
