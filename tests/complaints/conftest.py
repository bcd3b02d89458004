"""Fixtures of the complaint tests: the messaging providers for SMS/WhatsApp."""

from tests.messaging.conftest import fake, providers  # noqa: F401 (fixtures)
