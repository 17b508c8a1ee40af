"""The FINESS extraction (data.gouv.fr): ``;``-separated, typed by their first cell.

``structureet`` rows describe an establishment; ``geolocalisation`` rows, which
follow them in the file, give its Lambert 93 coordinates.  Other rows (the
file's own header) are skipped.
"""

from __future__ import annotations

import re

from services.directory.importing.common import Rejected, clean_phone, departement_of
from services.directory.lambert import to_wgs84

SEPARATOR = ";"
FINESS = re.compile(r"^\d[0-9AB]\d{7}$")
# structureet columns after the row type (the public extraction's order)
FIELDS = (
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "maj",
    "numuai",
)
CATEGORIES = {
    "101": "hospital",
    "106": "hospital",
    "355": "hospital",
    "362": "hospital",
    "365": "hospital",
    "128": "hospital",
    "129": "hospital",
    "611": "lab",
    "612": "lab",
    "620": "pharmacy",
    "500": "ehpad",
    "603": "health_centre",
    "124": "health_centre",
    "604": "cpts",
    "698": "radiology",
    "696": "radiology",
    "461": "out_of_hours",
}
TYPES = {
    "R": "rue",
    "AV": "avenue",
    "BD": "boulevard",
    "PL": "place",
    "RTE": "route",
    "CHE": "chemin",
    "IMP": "impasse",
    "ALL": "allée",
    "QUA": "quai",
    "SQ": "square",
}


class FinessFormat:
    kind = "finess"

    def __init__(self, header: str):
        first = header.split(SEPARATOR, 1)[0].strip().lstrip("\ufeff").lower()
        if first not in ("finess", "structureet", "geolocalisation"):
            raise ValueError("not a FINESS extraction: rows must start with 'structureet'")

    def parse(self, line: str) -> dict | None:
        cells = line.split(SEPARATOR)
        if cells[0] != "structureet":
            return None
        if len(cells) < len(FIELDS) - 2:
            raise Rejected(f"{len(cells)} columns in a structureet row")
        row = dict(zip(FIELDS, (c.strip() for c in cells[1:]), strict=False))
        number = row["nofinesset"]
        if not FINESS.match(number):
            raise Rejected(f"'{number[:20]}' is not a FINESS number")
        if not row["rs"]:
            raise Rejected("no name")
        postcode = (row.get("ligneacheminement") or "")[:5]
        street_type = TYPES.get(row.get("typvoie", ""), row.get("typvoie", "").lower())
        address = " ".join(p for p in (row.get("numvoie"), street_type, row.get("voie")) if p)
        commune = (row.get("ligneacheminement") or "")[6:].strip().title() or None
        return {
            "_id": f"finess-{number}",
            "kind": "structure",
            "finess": number,
            "name": row.get("rslongue") or row["rs"],
            "category": CATEGORIES.get(row.get("categetab", ""), "other"),
            "category_label": row.get("libcategetab") or None,
            "address": address or None,
            "postcode": postcode or None,
            "commune": commune,
            "departement": row.get("departement") or departement_of(postcode),
            "phone": clean_phone(row.get("telephone", "")),
        }

    def location(self, line: str) -> tuple[str, dict] | None:
        cells = line.split(SEPARATOR)
        if cells[0] != "geolocalisation":
            return None
        if len(cells) < 4 or not FINESS.match(cells[1].strip()):
            raise Rejected("a geolocalisation row needs a FINESS number and coordinates")
        try:
            x, y = float(cells[2]), float(cells[3])
        except ValueError:
            raise Rejected("coordinates are not numbers") from None
        if not (0 < x < 1_300_000 and 6_000_000 < y < 7_200_000):
            return None  # overseas coordinates are in other projections: keep no point
        lon, lat = to_wgs84(x, y)
        return f"finess-{cells[1].strip()}", {"type": "Point", "coordinates": [lon, lat]}
