"""Phone numbers as the services keep them: E.164, French numbers by default."""

from __future__ import annotations

import phonenumbers
from marshmallow import ValidationError


def normalise_phone(text: str) -> str | None:
    """E.164 form of a French (or international) number, or None."""
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_phone(value: str) -> None:
    """A marshmallow check: a number ``normalise_phone`` can keep."""
    if normalise_phone(value) is None:
        raise ValidationError("not a valid phone number")
