"""People's names as the services keep them: one check, one clean form, one search key.

A name is letters (any script, with their accents), separated by single spaces,
hyphens or apostrophes: ``Le Gall``, ``N'Diaye``, ``Saint-Exupéry``.  Controls,
zero-width and bidirectional characters are refused (a name that reads one way
on screen and another way in the database is an identity hazard), and so is a
name with no letter.  Kept in NFC, so ``é`` typed either way is one name.
"""

from __future__ import annotations

import re
import unicodedata

from marshmallow import ValidationError, fields

_SEPARATORS = " -'"
_APOSTROPHES = {"\u2019": "'", "\u02bc": "'", "\u2018": "'"}
MAX_LENGTH = 100


def clean_name(text: str) -> str:
    """NFC, typographic apostrophes as ``'``, runs of spaces as one, no edge spaces."""
    text = unicodedata.normalize("NFC", text)
    for typographic, plain in _APOSTROPHES.items():
        text = text.replace(typographic, plain)
    return re.sub(r"[ \t]+", " ", text).strip()


def name_problem(text: str) -> str | None:
    """Why ``text`` (cleaned) is not a name, or None."""
    if len(text) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters"
    if text[:1] in _SEPARATORS:
        return "a name begins with a letter"
    letters = 0
    previous = " "
    for ch in text:
        category = unicodedata.category(ch)
        if category.startswith("L"):
            letters += 1
        elif category.startswith("M"):
            if previous in _SEPARATORS:
                return "an accent must follow a letter"
        elif ch in _SEPARATORS:
            if previous in _SEPARATORS:
                return "letters separated by single spaces, hyphens or apostrophes"
        else:
            return "letters, spaces, hyphens and apostrophes only"
        previous = ch
    if not letters:
        return "a name needs at least one letter"
    if previous in _SEPARATORS:
        return "a name ends with a letter"
    return None


def name_key(*parts: str) -> str:
    """Lowercase, accents and punctuation removed: ``Éloïse D'Aubigné`` -> ``eloise d aubigne``."""
    text = unicodedata.normalize("NFKD", " ".join(parts))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^\w]+|_", " ", text).strip()


class PersonName(fields.String):
    """A name field: cleaned, then checked (422 with the reason)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_name(super()._deserialize(value, attr, data, **kwargs))
        if problem := name_problem(text):
            raise ValidationError(problem)
        return text
