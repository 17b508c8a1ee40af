"""Normalised keys for accent- and case-insensitive search (anchored prefixes use the index)."""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def keys_for(doc: dict) -> dict:
    """``name_key`` (the whole name), ``search_keys`` (each word of the names) and
    ``specialty_key``, written beside the imported fields."""
    names = " ".join(filter(None, (doc.get("name"), doc.get("structure_name"))))
    words = sorted(set(normalise(names).split()))
    return {
        "name_key": normalise(doc.get("name")),
        "search_keys": words,
        "specialty_key": normalise(doc.get("specialty") or doc.get("category") or ""),
    }
