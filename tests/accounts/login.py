"""The one way tests sign a user in: the login form, then a real TOTP code.

``login(client, user)`` does what a person does, through real HTTP: the password on
``/akun/masuk/`` and, when the user owes one, a code computed from the device's secret
on ``/akun/kode/``. A user of a role that must use two-factor login (national admin,
evaluator, coordinator, superuser) and is not enrolled yet is enrolled first with a
random secret, as if they had set up an app earlier.

A TOTP code is accepted once per 30-second step, and one step either side of now.
Logging the same user in a fourth time within one step needs a later step: the helper
then moves django-otp's clock (only that module's) to that step, the same as waiting
for it; every other code is checked at the real time.
"""

import time
from base64 import b32encode
from os import urandom
from types import SimpleNamespace
from unittest import mock

from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.models import User
from mutu.accounts.services import totp_device_preset
from mutu.accounts.two_factor import two_factor_required

PASSWORD = "sandi-uji-123"
LOGIN_URL = "/akun/masuk/"
CODE_URL = "/akun/kode/"
OTP_CLOCK = "django_otp.plugins.otp_totp.models.time"


def enrol(user: User, secret: str | None = None) -> TOTPDevice:
    """Give *user* a confirmed authenticator (a random secret unless given)."""
    secret = secret or b32encode(urandom(20)).decode()
    return totp_device_preset(actor=None, user=user, secret=secret)


def totp_step_now(device: TOTPDevice, at: float | None = None) -> int:
    return int(((time.time() if at is None else at) - device.t0) // device.step)


def totp_code(device: TOTPDevice, step: int | None = None) -> str:
    """The code *device*'s app shows at time step *step* (default: now)."""
    if step is None:
        step = totp_step_now(device)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def totp_step_unused(device: TOTPDevice) -> int:
    """The earliest time step from now on whose code *device* has not accepted yet."""
    device.refresh_from_db()
    return max(totp_step_now(device), device.last_t + 1)


def totp_code_fresh(device: TOTPDevice) -> str:
    """A code *device* accepts at the real time now (for a live server, where the
    helper cannot move the clock); at most two logins of one user per step."""
    step = totp_step_unused(device)
    assert step <= totp_step_now(device) + device.tolerance, "no fresh code this step"
    return totp_code(device, step)


def code_post(client: Client, device: TOTPDevice, next_url: str = ""):
    """Post a fresh code of *device* to the code page and return the response.

    Uses the earliest step not used yet that the device accepts now; when all those
    are used, the next one with django-otp's clock set to that step.
    """
    step = totp_step_unused(device)
    data = {"code": totp_code(device, step), "next": next_url}
    if step <= totp_step_now(device) + device.tolerance:
        return client.post(CODE_URL, data)
    at = device.t0 + step * device.step + 1
    with mock.patch(OTP_CLOCK, SimpleNamespace(time=lambda: at)):
        return client.post(CODE_URL, data)


def login(client: Client, user: User, *, password: str = PASSWORD) -> None:
    """Sign *user* in on *client* through the login form and, where needed, the code
    page with a real code; ends any session the client had."""
    client.logout()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and two_factor_required(user):
        device = enrol(user)
    response = client.post(
        LOGIN_URL, {"username": user.get_username(), "password": password}
    )
    assert response.status_code == 302, f"password refused for {user}"
    if not response["Location"].startswith(CODE_URL):
        return
    assert device is not None, f"{user} was asked for a code without a device"
    response = code_post(client, device)
    assert response.status_code == 302, f"code refused for {user}"
    assert not response["Location"].startswith(CODE_URL)
