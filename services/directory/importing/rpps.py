"""The RPPS / Annuaire Santé extraction: one line per practitioner activity, ``|``-separated.

Columns are found by their header names, so extra or reordered columns do no
harm.  A correspondent is one activity: the practitioner at one structure
(``rpps-<Identifiant PP>-<structure>``), since the same doctor practising in two
places is two entries in a book of correspondents.
"""

from __future__ import annotations

import re

from services.directory.communes import centre_of
from services.directory.importing.common import Rejected, clean_phone, departement_of

ID = "Identifiant PP"
COLUMNS = {
    "family_name": "Nom d'exercice",
    "given_name": "Prénom d'exercice",
    "profession": "Libellé profession",
    "specialty": "Libellé savoir-faire",
    "structure_id": "Identifiant technique de la structure",
    "structure_name": "Raison sociale site",
    "street_number": "Numéro Voie (coord. structure)",
    "street_type": "Libellé type de voie (coord. structure)",
    "street": "Libellé Voie (coord. structure)",
    "postcode": "Code postal (coord. structure)",
    "commune": "Libellé commune (coord. structure)",
    "phone": "Téléphone (coord. structure)",
    "email": "Adresse e-mail (coord. structure)",
    "departement": "Code Département (structure)",
}
RPPS = re.compile(r"^\d{11}$")
SEPARATOR = "|"


class RppsFormat:
    kind = "rpps"

    def __init__(self, header: str):
        names = [name.strip().lstrip("\ufeff") for name in header.split(SEPARATOR)]
        if ID not in names or COLUMNS["family_name"] not in names:
            raise ValueError("not an RPPS extraction: its header lacks 'Identifiant PP'")
        self.width = len(names)
        self.index = {name: i for i, name in enumerate(names)}

    def parse(self, line: str) -> dict | None:
        if not line.strip():
            return None
        cells = line.split(SEPARATOR)
        if len(cells) < self.width - 1:  # the real files end each line with a separator
            raise Rejected(f"{len(cells)} columns where the header has {self.width}")
        get = {
            key: cells[self.index[col]].strip() if col in self.index else ""
            for key, col in COLUMNS.items()
        }
        rpps = cells[self.index[ID]].strip()
        if not RPPS.match(rpps):
            raise Rejected(f"'{rpps[:20]}' is not an 11-digit RPPS identifier")
        if not get["family_name"]:
            raise Rejected("no name")
        structure = get["structure_id"] or "0"
        address = " ".join(
            p for p in (get["street_number"], get["street_type"], get["street"]) if p
        )
        return {
            "_id": f"rpps-{rpps}-{structure}",
            "kind": "practitioner",
            "rpps": rpps,
            "family_name": get["family_name"],
            "given_name": get["given_name"],
            "name": f"{get['given_name']} {get['family_name']}".strip(),
            "profession": get["profession"] or None,
            "specialty": get["specialty"] or None,
            "structure_name": get["structure_name"] or None,
            "address": address or None,
            "postcode": get["postcode"] or None,
            "commune": get["commune"] or None,
            "departement": get["departement"] or departement_of(get["postcode"]),
            "phone": clean_phone(get["phone"]),
            "email": get["email"].lower() or None,
            "location": centre_of(get["postcode"], get["commune"]),
        }

    def location(self, line: str):  # RPPS lines carry no coordinates
        return None
