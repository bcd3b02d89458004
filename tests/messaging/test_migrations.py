"""Moving the conversation model to the messaging app keeps every conversation."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@pytest.mark.django_db(transaction=True)
def test_conversations_from_before_the_move_keep_their_state_and_become_skm():
    """A conversation stored by the surveys app (before issue 8) is still there
    after the messaging migrations, with its state, and its topic is "skm"."""
    executor = MigrationExecutor(connection)
    before = [("surveys", "0005_integrity_pending"), ("messaging", None)]
    executor.migrate(before)
    old_state = executor.loader.project_state(before[:1]).apps
    OldConversation = old_state.get_model("surveys", "SmsConversation")
    now = timezone.now()
    OldConversation.objects.create(
        provider="generic",
        phone_hash="a" * 64,
        step=4,
        answers={"U1": 4, "U2": 3, "U3": 4},
        started_at=now,
        updated_at=now,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from mutu.messaging.models import SmsConversation

    conversation = SmsConversation.objects.get()
    assert (conversation.topic, conversation.step) == ("skm", 4)
    assert conversation.answers == {"U1": 4, "U2": 3, "U3": 4}
