"""Writes of accounts: users, their role grants and their two-factor devices.

Who may do what: only a national admin (a superuser counts as one) gives, changes
or takes back a role, whatever its scope, because a grant decides what its holder
sees everywhere else. A user enrols in two-factor login and renews their recovery
codes only for themself; only a national admin removes someone's devices (a lost
phone with no recovery code left). ``actor=None`` is Mutu itself (the demo loader, a
management command); the pages and the admin always pass the signed-in user.
"""

from base64 import b32decode
from binascii import Error as Base32Error
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.models import Role, RoleGrant, User
from mutu.accounts.scoping import has_role
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import Government, Region, ServiceUnit

GrantTarget = Region | Government | ServiceUnit | None


def _require_grant_manager(actor: User | None) -> None:
    if actor is not None and not has_role(actor, Role.NATIONAL_ADMIN):
        raise MutuError(
            "Hanya admin nasional yang dapat memberi atau mencabut peran.",
            "Only a national admin can give or take back roles.",
        )


def _place(grant: RoleGrant, role: str, target: GrantTarget) -> None:
    """Point *grant* at *role* over *target* and recompute its scope path."""
    grant.role = role
    grant.region = target if isinstance(target, Region) else None
    grant.government = target if isinstance(target, Government) else None
    grant.unit = target if isinstance(target, ServiceUnit) else None
    grant.scope_path = grant.build_scope_path()


@transaction.atomic
def grant_ensure(
    *,
    actor: User | None,
    user: User,
    role: str,
    target: GrantTarget = None,
) -> RoleGrant:
    """Give *user* the *role* over *target*'s subtree; a repeated call changes nothing.

    Raises :class:`MutuError` when *actor* is not a national admin. The database's
    check constraint refuses a target that does not fit the role (a unit role
    needs a unit, a coordinator a region or a government).
    """
    _require_grant_manager(actor)
    grant = RoleGrant(user=user)
    _place(grant, role, target)
    existing = RoleGrant.objects.filter(
        user=user, role=role, scope_path=grant.scope_path
    ).first()
    if existing:
        return existing
    grant.save()
    audit_record(
        actor=actor,
        action="grant.create",
        target=grant,
        changes={"role": [None, role], "scope": [None, grant.scope_path]},
    )
    return grant


@transaction.atomic
def grant_update(
    *,
    actor: User | None,
    grant: RoleGrant,
    role: str,
    target: GrantTarget = None,
) -> RoleGrant:
    """Change the role or the scope of *grant* in place (its user stays).

    Diffs against the stored row (locked), not against *grant*, which an admin form
    may already have changed; the same role and scope again change and record
    nothing. Raises :class:`MutuError` when *actor* is not a national admin, the
    grant is gone, or its user already holds *role* over *target*.
    """
    _require_grant_manager(actor)
    stored = RoleGrant.objects.select_for_update().filter(pk=grant.pk).first()
    if stored is None:
        raise MutuError(
            "Hak peran ini sudah dicabut.",
            "This role grant has already been taken back.",
        )
    before = {"role": stored.role, "scope": stored.scope_path}
    _place(stored, role, target)
    after = {"role": stored.role, "scope": stored.scope_path}
    if before == after:
        return stored
    if (
        RoleGrant.objects.filter(
            user_id=stored.user_id, role=stored.role, scope_path=stored.scope_path
        )
        .exclude(pk=stored.pk)
        .exists()
    ):
        raise MutuError(
            "Pengguna ini sudah memegang peran itu di cakupan itu.",
            "This user already holds that role over that scope.",
            field="role",
        )
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError as error:
        raise MutuError(
            "Cakupan tidak cocok dengan peran itu, atau hak ini bentrok dengan yang lain.",
            "The scope does not fit that role, or the grant clashes with another.",
            field="role",
        ) from error
    audit_record(
        actor=actor,
        action="grant.update",
        target=stored,
        changes={
            key: [before[key], after[key]]
            for key in before
            if before[key] != after[key]
        },
    )
    return stored


@transaction.atomic
def grant_revoke(*, actor: User | None, grant: RoleGrant) -> bool:
    """Take *grant* away from its user; ``False`` when it was already gone.

    Locks the row, so of two admins revoking at once one deletes and audits and the
    other changes and records nothing. Raises :class:`MutuError` when *actor* is
    not a national admin.
    """
    _require_grant_manager(actor)
    stored = RoleGrant.objects.select_for_update().filter(pk=grant.pk).first()
    if stored is None:
        return False
    audit_record(
        actor=actor,
        action="grant.revoke",
        target=stored,
        changes={"role": [stored.role, None], "scope": [stored.scope_path, None]},
    )
    stored.delete()
    return True


TOTP_DEVICE_NAME = "Aplikasi autentikator"
RECOVERY_DEVICE_NAME = "Kode pemulihan"


@dataclass(frozen=True)
class Enrolment:
    """A confirmed authenticator and the recovery codes to show once, in clear."""

    device: TOTPDevice
    recovery_codes: list[str]


def _require_self(actor: User | None, user: User) -> None:
    if actor is None or actor.pk != user.pk:
        raise MutuError(
            "Hanya pemilik akun yang dapat mengatur verifikasi dua langkahnya.",
            "Only the account's owner can set up its two-step verification.",
        )


def _lock(user: User) -> None:
    """Lock the user's row: two enrolments or renewals at once run one after the other."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _recovery_codes_replace(user: User, count: int) -> list[str]:
    """Delete *user*'s recovery codes and make *count* new ones (``abcd-efgh``)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
    )
    tokens: set[str] = set()
    while len(tokens) < count:
        tokens.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=token) for token in sorted(tokens)
    )
    return [f"{token[:4]}-{token[4:]}" for token in sorted(tokens)]


@transaction.atomic
def totp_enrol_start(*, actor: User, user: User) -> TOTPDevice:
    """Make the authenticator device *user* is about to set up (a new random secret),
    or return the one already waiting for its first code, so reloading the page
    shows the same QR code.

    The device stays unconfirmed, and is never asked at login, until
    :func:`totp_enrol_confirm`. Raises :class:`MutuError` when *actor* is not *user*.
    """
    _require_self(actor, user)
    _lock(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is not None:
        return pending
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=False
    )
    audit_record(
        actor=actor,
        action="two_factor.enrol",
        target=user,
        changes={"device": [None, "pending"]},
    )
    return device


@transaction.atomic
def totp_enrol_confirm(
    *, actor: User, user: User, code: str, recovery_count: int | None = None
) -> Enrolment:
    """Confirm the waiting authenticator with its first *code*: it replaces any
    earlier one, and *recovery_count* new recovery codes (default
    ``MUTU_RECOVERY_CODE_COUNT``) replace the old ones.

    Raises :class:`MutuError` when *actor* is not *user*, nothing waits for a code
    (:func:`totp_enrol_start` first), or *code* is not the app's current code.
    """
    _require_self(actor, user)
    _lock(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        raise MutuError(
            "Belum ada aplikasi yang didaftarkan; mulai pendaftaran dulu.",
            "No app is being set up; start the set-up first.",
        )
    compact = "".join(code.split())
    if not (compact.isdigit() and pending.verify_token(compact)):
        raise MutuError(
            "Kode tidak cocok. Ketik kode 6 angka yang sedang tampil di aplikasi.",
            "The code does not match. Type the 6-digit code the app shows now.",
            field="code",
        )
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0] > 0
    pending.confirmed = True
    pending.save(update_fields=["confirmed"])
    if recovery_count is None:
        recovery_count = settings.MUTU_RECOVERY_CODE_COUNT
    codes = _recovery_codes_replace(user, recovery_count)
    audit_record(
        actor=actor,
        action="two_factor.confirm",
        target=user,
        changes={
            "device": ["replaced" if replaced else None, "confirmed"],
            "recovery_codes": [None, len(codes)],
        },
    )
    return Enrolment(device=pending, recovery_codes=codes)


@transaction.atomic
def recovery_codes_regenerate(
    *, actor: User, user: User, count: int | None = None
) -> list[str]:
    """Replace *user*'s recovery codes with *count* new ones (default
    ``MUTU_RECOVERY_CODE_COUNT``), returned in clear to be shown once; the old
    ones stop working.

    Raises :class:`MutuError` when *actor* is not *user* or *user* has no
    confirmed authenticator (recovery codes stand in for one, never alone).
    """
    _require_self(actor, user)
    _lock(user)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise MutuError(
            "Daftarkan aplikasi autentikator dulu; kode pemulihan menyertainya.",
            "Set up an authenticator app first; recovery codes come with it.",
        )
    left = StaticToken.objects.filter(device__user=user).count()
    codes = _recovery_codes_replace(
        user, settings.MUTU_RECOVERY_CODE_COUNT if count is None else count
    )
    audit_record(
        actor=actor,
        action="two_factor.recovery_codes",
        target=user,
        changes={"recovery_codes": [left, len(codes)]},
    )
    return codes


@transaction.atomic
def two_factor_remove(*, actor: User | None, user: User) -> bool:
    """Take away *user*'s authenticator and recovery codes (a lost phone and no code
    left); ``False`` when there was nothing to remove.

    Sessions that gave a code with the removed device lose that proof at their next
    request; at the next login a user of a required role sets up a new app. Raises
    :class:`MutuError` when *actor* is not a national admin.
    """
    if actor is not None and not has_role(actor, Role.NATIONAL_ADMIN):
        raise MutuError(
            "Hanya admin nasional yang dapat menghapus verifikasi dua langkah.",
            "Only a national admin can remove two-step verification.",
        )
    _lock(user)
    authenticators = TOTPDevice.objects.filter(user=user).delete()[0]
    recovery = StaticDevice.objects.filter(user=user).delete()[0]
    if not (authenticators or recovery):
        return False
    audit_record(
        actor=actor,
        action="two_factor.remove",
        target=user,
        changes={"device": ["confirmed", None]},
    )
    return True


@transaction.atomic
def totp_device_preset(*, actor: User | None, user: User, secret: str) -> TOTPDevice:
    """Enrol *user* with a known base32 *secret*, confirmed at once: the demo's
    documented logins. A user already enrolled keeps their device (like a demo
    password already changed).

    Only Mutu itself (``actor=None``) may do it, since whoever chose the secret can
    make codes. Raises :class:`MutuError` for any other actor or a secret that is not
    base32.
    """
    if actor is not None:
        raise MutuError(
            "Rahasia TOTP yang ditentukan hanya untuk data demo.",
            "A chosen TOTP secret is for the demo data only.",
        )
    _lock(user)
    existing = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if existing is not None:
        return existing
    try:
        key = b32decode("".join(secret.split()).upper()).hex()
    except (Base32Error, ValueError) as error:
        raise MutuError(
            "Rahasia TOTP harus berupa base32.",
            "A TOTP secret must be base32.",
        ) from error
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True
    )
    audit_record(
        actor=actor,
        action="two_factor.preset",
        target=user,
        changes={"device": [None, "confirmed"]},
    )
    return device


@transaction.atomic
def weekly_digest_set(*, actor: User | None, user: User, enabled: bool) -> User:
    """Turn *user*'s weekly e-mail of to-dos on or off (D24); audited.

    The user decides for themself (a national admin may too, e.g. for a departed
    colleague's address). The same choice again changes and records nothing.
    Raises :class:`MutuError` for any other actor.
    """
    if (
        actor is not None
        and actor.pk != user.pk
        and not has_role(actor, Role.NATIONAL_ADMIN)
    ):
        raise MutuError(
            "Hanya pemilik akun yang dapat mengatur ringkasan mingguannya.",
            "Only the account's owner can set up its weekly digest.",
        )
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.weekly_digest == enabled:
        return locked
    locked.weekly_digest = enabled
    locked.save(update_fields=["weekly_digest"])
    audit_record(
        actor=actor,
        action="account.weekly_digest",
        target=locked,
        changes={"weekly_digest": [not enabled, enabled]},
    )
    return locked


@transaction.atomic
def weekly_digest_send(
    *, user: User, week: str, message: EmailMultiAlternatives
) -> bool:
    """Send *message* (the digest of *user*'s to-dos) unless *user* already got
    the digest of ISO *week* ("2026-W49"), turned it off, has no e-mail address or
    is inactive; ``True`` when sent (D24).

    The user's row is locked, the message sent, then the week recorded with an
    audit row, all in one transaction: two runs at once send once, and a failed
    send (the exception propagates) records nothing, so a retry sends it.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if (
        locked.digest_week == week
        or not locked.weekly_digest
        or not locked.email
        or not locked.is_active
    ):
        return False
    message.send(fail_silently=False)
    previous = locked.digest_week
    locked.digest_week = week
    locked.save(update_fields=["digest_week"])
    audit_record(
        actor=None,
        action="account.digest_send",
        target=locked,
        changes={"digest_week": [previous or None, week]},
    )
    return True
