"""Helpers shared by the file formats."""

from __future__ import annotations

import re


class Rejected(ValueError):
    """A line that cannot be imported, with the reason the report will give."""


def clean_phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    if len(digits) == 11 and digits.startswith("33"):
        return "+" + digits
    return None


def departement_of(postcode: str | None) -> str | None:
    if not postcode or len(postcode) != 5 or not postcode.isdigit():
        return None
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:3] if postcode.startswith("97") else postcode[:2]
