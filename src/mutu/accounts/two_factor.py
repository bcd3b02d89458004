"""The second step of a login: who needs it, checking a code, and the lockout.

A user *enrolled* in two-factor login holds a confirmed TOTP device (an authenticator
app) and, beside it, a static device with single-use recovery codes. Whoever is
enrolled gives a code after the password, always; national admins, evaluators and
coordinators must enrol when ``MUTU_TWO_FACTOR_REQUIRED`` is on (DEBUG off). The
writes (enrol, confirm, new recovery codes, removal) are services in
:mod:`mutu.accounts.services`; this module only reads and checks.

Checking a code changes the device (django-otp records the last time step used, so a
code cannot be replayed, and slows down repeated failures), but it is part of
signing in, like checking a password, so it writes no audit row. A wrong code counts
as a failed login for django-axes, exactly as a wrong password does.
"""

from base64 import b32encode
from dataclasses import dataclass

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_credentials
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import has_role

REQUIRED_ROLES = (Role.NATIONAL_ADMIN, Role.EVALUATOR, Role.COORDINATOR)
"""Roles that see or decide across many units: a stolen password must not be enough."""

TOTP_DIGITS = 6

STEP_VERIFY = "verify"
STEP_ENROL = "enrol"


def two_factor_required(user, *, required: bool | None = None) -> bool:
    """Whether *user* must enrol: a role of :data:`REQUIRED_ROLES` (a superuser
    counts as a national admin) while *required* (``MUTU_TWO_FACTOR_REQUIRED``) is on."""
    if required is None:
        required = settings.MUTU_TWO_FACTOR_REQUIRED
    return bool(required) and has_role(user, *REQUIRED_ROLES)


def totp_device_get(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator device, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_pending_get(user: User) -> TOTPDevice | None:
    """The device being enrolled: made, shown as a QR code, not yet confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user) -> bool:
    """Whether this session gave a code (``OTPMiddleware`` sets ``otp_device``)."""
    return getattr(user, "otp_device", None) is not None


def login_step(user) -> str | None:
    """What a signed-in session still owes: :data:`STEP_VERIFY` (give a code),
    :data:`STEP_ENROL` (set up an app first) or ``None`` (nothing)."""
    if not getattr(user, "is_authenticated", False) or is_verified(user):
        return None
    if is_enrolled(user):
        return STEP_VERIFY
    if two_factor_required(user):
        return STEP_ENROL
    return None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` link of *device* as an SVG QR code in a data URI (the CSP
    allows ``data:`` images; no JavaScript and no second request)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def recovery_code_normalize(code: str) -> str:
    """Recovery codes are shown as ``abcd-efgh``; accept any case, spaces, dashes."""
    return "".join(code.split()).replace("-", "").lower()


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of :func:`code_check`: the device that accepted the code, or
    ``None`` and how many seconds the device asks to wait before the next try."""

    device: Device | None
    wait_seconds: int = 0

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def code_check(*, user: User, code: str) -> CodeCheck:
    """Check *code* against *user*'s authenticator (six digits) or recovery codes.

    Locks the device row, so two requests with one code cannot both pass: a TOTP
    code is accepted once (django-otp keeps the last time step used), a recovery
    code is deleted when used. A failure makes the device wait longer before the
    next try (django-otp throttling).
    """
    compact = "".join(code.split())
    if len(compact) == TOTP_DIGITS and compact.isdigit():
        model: type[Device] = TOTPDevice
        token = compact
    else:
        model = StaticDevice
        token = recovery_code_normalize(code)
    with transaction.atomic():
        devices = list(
            model.objects.select_for_update().filter(user=user, confirmed=True)
        )
        for device in devices:
            if device.verify_token(token):
                return CodeCheck(device)
    return CodeCheck(None, wait_seconds=_wait_seconds(devices))


def _wait_seconds(devices: list[Device]) -> int:
    now = timezone.now()
    waits = [0]
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(int((data["locked_until"] - now).total_seconds()) + 1)
    return max(waits)


def session_verify(request: HttpRequest, device: Device) -> None:
    """Mark this session as having given a code with *device* (django-otp's own way),
    under a new session key, and clear the user's failed logins."""
    otp_login(request, device)
    request.session.cycle_key()
    login_failures_reset(request, request.user)


def session_device_id(request: HttpRequest) -> str | None:
    return request.session.get(DEVICE_ID_SESSION_KEY)


def _credentials(user) -> dict:
    return get_credentials(user.get_username())


def login_locked(request: HttpRequest, user) -> bool:
    """Whether django-axes has locked *user* out from this address."""
    return AxesProxyHandler.is_locked(request, _credentials(user))


def login_failure_record(request: HttpRequest, user) -> bool:
    """Count a wrong code as a failed login (django-axes listens to the signal);
    return whether that failure locked the user out."""
    user_login_failed.send(
        sender=__name__, credentials=_credentials(user), request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def login_failures_reset(request: HttpRequest, user) -> None:
    """A whole login succeeded: forget its failures (what ``AXES_RESET_ON_SUCCESS``
    would do at the password step, moved here so wrong codes keep counting)."""
    AxesProxyHandler.reset_attempts(
        ip_address=get_client_ip_address(request), username=user.get_username()
    )
