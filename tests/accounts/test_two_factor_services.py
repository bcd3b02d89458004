"""Two-factor services: who may enrol, renew and remove; each write audited once."""

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.services import (
    recovery_codes_regenerate,
    totp_device_preset,
    totp_enrol_confirm,
    totp_enrol_start,
    two_factor_remove,
)
from mutu.accounts.two_factor import code_check, two_factor_required
from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from tests.accounts.login import enrol, totp_code


def _audit(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_enrol_start_is_idempotent_until_confirmed(world):
    """Starting twice shows the same secret and records one enrolment."""
    first = totp_enrol_start(actor=world.head, user=world.head)
    again = totp_enrol_start(actor=world.head, user=world.head)
    assert first.pk == again.pk
    assert not first.confirmed
    assert _audit("two_factor.enrol") == 1


def test_enrolment_is_only_for_the_account_owner(world):
    """An admin cannot set up (and so learn the secret of) someone else's app."""
    with pytest.raises(MutuError):
        totp_enrol_start(actor=world.admin, user=world.head)
    totp_enrol_start(actor=world.head, user=world.head)
    with pytest.raises(MutuError):
        totp_enrol_confirm(actor=world.admin, user=world.head, code="000000")
    with pytest.raises(MutuError):
        recovery_codes_regenerate(actor=world.admin, user=world.head)
    assert not TOTPDevice.objects.filter(user=world.head, confirmed=True).exists()


def test_confirm_replaces_the_old_app_and_its_codes(world):
    """A second set-up, once confirmed, is the only app; the old codes are gone."""
    old = enrol(world.head)
    device = totp_enrol_start(actor=world.head, user=world.head)
    first = totp_enrol_confirm(
        actor=world.head, user=world.head, code=totp_code(device)
    )
    assert TOTPDevice.objects.get(user=world.head).pk == device.pk != old.pk
    assert len(first.recovery_codes) == 10
    again = totp_enrol_start(actor=world.head, user=world.head)
    second = totp_enrol_confirm(
        actor=world.head, user=world.head, code=totp_code(again), recovery_count=3
    )
    assert StaticToken.objects.filter(device__user=world.head).count() == 3
    assert not set(first.recovery_codes) & set(second.recovery_codes)
    assert code_check(user=world.head, code=first.recovery_codes[0]).device is None


def test_confirm_with_a_wrong_code_changes_nothing(world):
    device = totp_enrol_start(actor=world.head, user=world.head)
    with pytest.raises(MutuError, match="Kode tidak cocok"):
        totp_enrol_confirm(actor=world.head, user=world.head, code="abc")
    device.refresh_from_db()
    assert not device.confirmed
    assert _audit("two_factor.confirm") == 0


@pytest.mark.parametrize("who", ["coordinator", "evaluator", "head", "operator"])
def test_only_a_national_admin_removes_devices(world, who):
    enrol(world.evaluator)
    with pytest.raises(MutuError):
        two_factor_remove(actor=getattr(world, who), user=world.evaluator)
    assert TOTPDevice.objects.filter(user=world.evaluator).exists()


def test_removal_is_audited_once(world):
    enrol(world.evaluator)
    assert two_factor_remove(actor=world.admin, user=world.evaluator) is True
    assert two_factor_remove(actor=world.admin, user=world.evaluator) is False
    assert _audit("two_factor.remove") == 1


def test_preset_secret_is_for_mutu_itself(world):
    """Only the demo loader (no actor) sets a chosen secret; it must be base32."""
    with pytest.raises(MutuError):
        totp_device_preset(actor=world.admin, user=world.head, secret="MUTU" * 8)
    with pytest.raises(MutuError, match="base32"):
        totp_device_preset(actor=None, user=world.head, secret="not base32!")
    device = totp_device_preset(actor=None, user=world.head, secret="MUTU" * 8)
    assert totp_device_preset(actor=None, user=world.head, secret="ABCD" * 8) == device
    assert _audit("two_factor.preset") == 1


def test_required_roles(world, superuser, settings):
    """Admins (superusers too), evaluators and coordinators; not unit staff."""
    required = [world.admin, superuser, world.evaluator, world.coordinator]
    assert all(two_factor_required(user) for user in required)
    assert not any(
        two_factor_required(user)
        for user in [world.head, world.operator, world.stranger]
    )
    settings.MUTU_TWO_FACTOR_REQUIRED = False
    assert not two_factor_required(world.admin)
