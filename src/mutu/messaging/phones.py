"""Phone numbers as they arrive from providers, normalised in memory only."""

from django.views.decorators.debug import sensitive_variables

from mutu.errors import MutuError

_PHONE_DIGITS = (6, 15)  # E.164 allows at most 15 digits


@sensitive_variables("raw", "digits")
def phone_normalize(raw: str) -> str:
    """The phone number as international digits: "+62 812-…", "0812…" → "62812…".

    The same number must give the same hash whatever way a provider writes it
    (WhatsApp sends "62812…", SMS gateways "+62812…" or "0812…"). Raises
    :class:`MutuError` if it is not a plausible phone number.
    """
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "62" + digits[1:]  # a national Indonesian number
    digits = digits.removeprefix("00")
    if not _PHONE_DIGITS[0] <= len(digits) <= _PHONE_DIGITS[1]:
        raise MutuError(
            "Nomor pengirim tidak sah.", "The sender number is not valid.", field="from"
        )
    return digits
