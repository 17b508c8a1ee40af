"""Phone numbers as the services keep them: E.164, French numbers by default."""

from __future__ import annotations

import phonenumbers
from marshmallow import ValidationError

# France's overseas departments and communities have numbers of their own country codes,
# written nationally like metropolitan ones (0690 … in Guadeloupe, 0262 … in La Réunion):
# a national number valid in one of them is theirs, else it is metropolitan France's
OVERSEAS = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")


def normalise_phone(text: str) -> str | None:
    """E.164 form of a French (metropolitan or overseas) or international number, or None."""
    for region in (*OVERSEAS, "FR"):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def check_phone(value: str) -> None:
    """A marshmallow check: a number ``normalise_phone`` can keep."""
    if normalise_phone(value) is None:
        raise ValidationError("not a valid phone number")
